package io.lethe.launcher;

import io.lethe.avro.DeletionReason;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The requests the demo sends: one of each scope, plus two bad ones to show they are refused. */
final class DemoRequests {
  private DemoRequests() {}

  static List<DeletionRequest> valid(String modelId, Instant now) {
    return List.of(
        DeletionRequest.newBuilder()
            .setRequestId("demo-samples-1")
            .setScope(DeletionScope.SAMPLES)
            .setModelIds(List.of(modelId))
            .setSampleIds(List.of(3L, 14L, 15L, 92L, 65L, 35L, 89L, 79L, 323L, 846L))
            .setReason(DeletionReason.POISONED_DATA)
            .setRequestedAt(now)
            .setSource("lethe demo")
            .build(),
        DeletionRequest.newBuilder()
            .setRequestId("demo-subject-1")
            .setScope(DeletionScope.SUBJECT)
            .setSubjectId("subject-0042")
            .setReason(DeletionReason.GDPR_ERASURE)
            .setRegulation("GDPR Art. 17")
            .setRequestedAt(now)
            .setDeadline(now.plus(Duration.ofDays(30)))
            .setSource("lethe demo")
            .build(),
        DeletionRequest.newBuilder()
            .setRequestId("demo-class-7")
            .setScope(DeletionScope.CLASS)
            .setModelIds(List.of(modelId))
            .setClassLabels(List.of(7))
            .setReason(DeletionReason.COPYRIGHT)
            .setRequestedAt(now)
            .setSource("lethe demo")
            .build());
  }

  static DeletionRequest unknownModel(Instant now) {
    return DeletionRequest.newBuilder()
        .setRequestId("demo-unknown-model")
        .setScope(DeletionScope.SAMPLES)
        .setModelIds(List.of("no-such-model"))
        .setSampleIds(List.of(1L))
        .setRequestedAt(now)
        .build();
  }
}
