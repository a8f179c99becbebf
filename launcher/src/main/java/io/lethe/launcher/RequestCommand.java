package io.lethe.launcher;

import io.lethe.avro.DeletionReason;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.RequestReceipt;
import io.lethe.config.Durations;
import io.lethe.kafka.LetheTopics;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe request}: sends one deletion request, and with {@code --wait} follows it. */
@Command(
    name = "request",
    mixinStandardHelpOptions = true,
    description = {
      "Send one deletion request to the deployment's request topic (keyed by its id, in the"
          + " deployment's serialization) and print its id.",
      "With --wait, follow its receipts until it is APPLIED (or NOT_PRESENT: the model never held"
          + " that data) on every model it was batched for, or FAILED, REJECTED or a DUPLICATE;"
          + " then print each model's first version without the data and where its deletion"
          + " certificate is. Exit status 0 when applied everywhere, 1 otherwise, 3 when Kafka"
          + " does not answer."
    })
final class RequestCommand extends ToolCommand {

  /** Exactly one scope. */
  static final class Scope {
    @Option(
        names = "--subject",
        description = "Erase every sample of this data subject (resolved through the lineage).")
    String subject;

    @Option(
        names = "--samples",
        split = ",",
        paramLabel = "ID",
        description = "Forget these sample ids (with --model).")
    List<Long> samples;

    @Option(
        names = "--class",
        split = ",",
        paramLabel = "LABEL",
        description = "Forget these whole classes (with --model).")
    List<Integer> classes;
  }

  @ArgGroup(multiplicity = "1")
  Scope scope;

  @Option(
      names = "--model",
      split = ",",
      paramLabel = "MODEL",
      description = "The models (required with --samples and --class; a filter with --subject).")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--id",
      description = "The request id (default: a new one, req-<uuid>); a repeat is a DUPLICATE.")
  String id;

  @Option(
      names = "--reason",
      defaultValue = "OTHER",
      description = "Why: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  DeletionReason reason;

  @Option(names = "--regulation", description = "The legal basis, e.g. 'GDPR Art. 17'.")
  String regulation;

  @Option(
      names = "--deadline",
      description =
          "Apply by then: an instant (2026-12-31T00:00:00Z) or a time from now (30d, PT1H);"
              + " a batch closes early to meet it.")
  String deadline;

  @Option(
      names = "--source",
      defaultValue = "lethe request",
      description = "The system sending it, for the audit trail. Default: ${DEFAULT-VALUE}.")
  String source;

  @Option(names = "--wait", description = "Follow the request until it is final.")
  boolean await;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description = "How long --wait waits. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Mixin ToolConnection connection;

  @Override
  int run() throws Exception {
    Instant now = Instant.now();
    DeletionRequest request = build(now);
    LetheTopics topics = connection.topics();
    String topic = topics.deletionRequests.name();
    byte[] value = topics.deletionRequests.valueSerde().serializer().serialize(topic, request);
    Map<String, Object> config = connection.clientConfig();
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    ReceiptWatch watch =
        await ? new ReceiptWatch(connection.clientConfig(), topics.requestReceipts) : null;
    try (watch;
        var producer =
            new KafkaProducer<>(
                config,
                new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      RecordMetadata sent =
          producer.send(new ProducerRecord<>(topic, request.getRequestId(), value)).get();
      out().println(request.getRequestId());
      err().printf("sent to %s partition %d offset %d%n", topic, sent.partition(), sent.offset());
      if (watch == null) {
        return 0;
      }
      ReceiptWatch.Outcome outcome =
          watch.await(request.getRequestId(), timeout, r -> out().println("  " + describe(r)));
      return report(request.getRequestId(), outcome);
    }
  }

  DeletionRequest build(Instant now) {
    DeletionRequest.Builder b =
        DeletionRequest.newBuilder()
            .setRequestId(id != null ? id : "req-" + UUID.randomUUID())
            .setModelIds(models)
            .setReason(reason)
            .setRegulation(regulation)
            .setRequestedAt(now)
            .setDeadline(deadline == null ? null : deadlineFrom(deadline, now))
            .setSource(source);
    if (scope.subject != null) {
      b.setScope(DeletionScope.SUBJECT).setSubjectId(scope.subject);
    } else {
      if (models.isEmpty()) {
        throw new IllegalArgumentException(
            (scope.samples != null ? "--samples" : "--class") + " needs --model");
      }
      if (scope.samples != null) {
        b.setScope(DeletionScope.SAMPLES).setSampleIds(scope.samples);
      } else {
        b.setScope(DeletionScope.CLASS).setClassLabels(scope.classes);
      }
    }
    return b.build();
  }

  static Instant deadlineFrom(String text, Instant now) {
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.plus(Durations.parse(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--deadline '"
                + text
                + "' is neither an instant (2026-12-31T00:00:00Z) nor a time"
                + " from now (30d, PT1H)");
      }
    }
  }

  private int report(String requestId, ReceiptWatch.Outcome outcome) {
    if (outcome.requestWide() != null) {
      RequestReceipt r = outcome.requestWide();
      err().println("lethe: " + requestId + " " + r.getStatus() + ": " + r.getReason());
      return NEGATIVE;
    }
    String registry = connection.registry().baseUrl();
    outcome
        .perModel()
        .forEach(
            (model, r) -> {
              switch (r.getStatus()) {
                case APPLIED ->
                    out()
                        .printf(
                            "%s: APPLIED in version %d; certificate: %s%n",
                            model, r.getModelVersion(), certificate(registry, requestId, model));
                case NOT_PRESENT ->
                    out()
                        .printf(
                            "%s: NOT_PRESENT (the model never held that data); certificate: %s%n",
                            model, certificate(registry, requestId, model));
                default -> out().printf("%s: %s %s%n", model, r.getStatus(), r.getReason());
              }
            });
    if (outcome.timedOut()) {
      err()
          .println(
              "lethe: "
                  + requestId
                  + " not final everywhere within "
                  + Durations.format(timeout)
                  + "; follow it with `lethe status "
                  + requestId
                  + "`");
    }
    return outcome.succeeded() ? 0 : NEGATIVE;
  }

  static String certificate(String registryUrl, String requestId, String model) {
    return registryUrl
        + "/api/requests/"
        + HttpJson.segment(requestId)
        + "/certificate?modelId="
        + HttpJson.segment(model);
  }

  static String describe(RequestReceipt r) {
    StringBuilder s = new StringBuilder(r.getStatus().name());
    if (r.getModelId() != null) {
      s.append(' ').append(r.getModelId());
    }
    if (r.getBatchId() != null) {
      s.append(" batch ").append(r.getBatchId());
    }
    if (r.getModelVersion() != null) {
      s.append(" version ").append(r.getModelVersion());
    }
    if (r.getReason() != null) {
      s.append(" (").append(r.getReason()).append(')');
    }
    return s.toString();
  }
}
