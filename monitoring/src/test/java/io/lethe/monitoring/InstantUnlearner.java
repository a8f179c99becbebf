package io.lethe.monitoring;

import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import io.lethe.processor.worker.Unlearner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * An unlearning engine that answers at once: deterministic "weights" (a hash of the current ones
 * and the batch) and fixed verification metrics. It lets the real processor run end to end in a
 * test without training a network.
 */
final class InstantUnlearner implements Unlearner {
  private final String modelId;

  InstantUnlearner(String modelId) {
    this.modelId = modelId;
  }

  @Override
  public Outcome unlearn(Job job) {
    byte[] weights = sha256(job.currentWeights(), job.batchId().getBytes(StandardCharsets.UTF_8));
    return new Outcome(
        weights,
        VerificationStatus.PASSED,
        null,
        metrics(0.02, job.batchSampleIds().size(), 420),
        "muso",
        "cpu");
  }

  @Override
  public ModelFacts facts(String id) {
    Set<Long> samples = LongStream.range(0, 200).boxed().collect(Collectors.toSet());
    return new ModelFacts(id, 10, samples);
  }

  @Override
  public List<String> modelIds() {
    return List.of(modelId);
  }

  @Override
  public Outcome trainInitial(String id, Consumer<String> progress) {
    return new Outcome(
        sha256(id.getBytes(StandardCharsets.UTF_8)),
        VerificationStatus.PASSED,
        null,
        metrics(0.97, 0, 1000),
        "train",
        "cpu");
  }

  private static VerificationMetrics metrics(double forget, int forgetSetSize, long millis) {
    return VerificationMetrics.newBuilder()
        .setForgetAccuracy(forget)
        .setRetainAccuracy(0.98)
        .setTestAccuracy(0.97)
        .setMia(0.51)
        .setForgetSetSize(forgetSetSize)
        .setRetainSetSize(200 - forgetSetSize)
        .setDurationMillis(millis)
        .build();
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
