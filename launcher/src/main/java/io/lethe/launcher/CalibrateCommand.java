package io.lethe.launcher;

import io.lethe.avro.CalibratedChoice;
import io.lethe.avro.CalibrationCandidate;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.CalibrationRequest;
import io.lethe.avro.CalibrationStatus;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.catalog.CalibrationPolicy;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lethe models calibrate ID}: asks the deployment's processors to calibrate a model's
 * unlearning on its own training data again, waits for the report and prints it.
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description = {
      "Calibrate a model's unlearning on its own training rows (never its test set): simulated"
          + " deletions, the exact oracle retrained for each, every candidate method and setting"
          + " scored by its gap to the oracle, the policy's verdict and its cost. A processor runs"
          + " it (batches wait meanwhile); its choice is used from the next batch on, for the"
          + " scopes the catalog does not pin. Exit 0 when calibrated, 1 when it failed or no"
          + " report came in time, 2 for a bad request."
    })
final class CalibrateCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ID", description = "The model.")
  String modelId;

  @Option(
      names = "--budget",
      description = "At most this many retrainings of the model (default: the model's, 20).")
  Integer budget;

  @Option(
      names = "--seed",
      description = "Seed of the simulated deletions (default: the model's training seed).")
  Long seed;

  @Option(
      names = "--wait",
      defaultValue = "30m",
      description = "How long to wait for the report (e.g. 10m; 0 returns at once). Default: 30m.")
  Duration wait;

  @Mixin ModelsCommand.Connection connection;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (budget != null && (budget < 2 || budget > CalibrationPolicy.MAX_BUDGET)) {
      err.println("--budget must be between 2 and " + CalibrationPolicy.MAX_BUDGET);
      return 2;
    }
    LetheTopics topics = connection.topics();
    String requestId = "cli-" + UUID.randomUUID();
    CalibrationRequest request =
        CalibrationRequest.newBuilder()
            .setRequestId(requestId)
            .setModelId(modelId)
            .setBudgetRetrainings(budget)
            .setSeed(seed)
            .setRequestedAt(Instant.now())
            .build();
    // Reading from before the request: its report cannot be missed.
    try (TopicReader<String, CalibrationReport> reports =
        new TopicReader<>(
            connection.bootstrapServers, connection.options.kafkaClient(), topics.calibrations)) {
      publish(topics, request);
      out.printf("Asked for calibration %s of %s%n", requestId, modelId);
      if (wait.isZero()) {
        return 0;
      }
      Optional<CalibrationReport> report =
          reports.readUntil(records -> answer(records, requestId).isPresent(), wait).stream()
              .map(r -> r.value())
              .filter(r -> r != null && requestId.equals(r.getRequestId()))
              .findFirst();
      if (report.isEmpty()) {
        System.err.println(
            "no calibration report within "
                + wait
                + "; is a processor running? (its log says why)");
        return 1;
      }
      print(report.get(), out);
      return report.get().getStatus() == CalibrationStatus.FAILED ? 1 : 0;
    }
  }

  private static Optional<CalibrationReport> answer(
      java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<String, CalibrationReport>>
          records,
      String requestId) {
    return records.stream()
        .map(r -> r.value())
        .filter(r -> r != null && requestId.equals(r.getRequestId()))
        .findFirst();
  }

  private void publish(LetheTopics topics, CalibrationRequest request) {
    Map<String, Object> config = new HashMap<>(connection.options.kafkaClient());
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      String topic = topics.calibrationRequests.name();
      producer.send(
          new ProducerRecord<>(
              topic,
              request.getModelId(),
              topics.calibrationRequests.valueSerde().serializer().serialize(topic, request)));
      producer.flush();
    }
  }

  /** The report as a person reads it: the choice per scope, then every candidate. */
  static void print(CalibrationReport r, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%s: %s, seed %d, %.1f of %d retrainings, %.1f s%n",
        r.getModelId(),
        r.getStatus(),
        r.getSeed(),
        r.getRetrainingsUsed(),
        r.getBudgetRetrainings(),
        r.getDurationMillis() / 1000.0);
    if (r.getReason() != null) {
      out.println("  " + r.getReason());
    }
    for (CalibratedChoice c : r.getChoices()) {
      out.printf(
          "  %-7s -> %s %s%s%n",
          c.getScope().toLowerCase(Locale.ROOT),
          c.getMethod(),
          c.getSettings(),
          c.getPinned() ? " (pinned by the catalog)" : "");
    }
    if (!r.getCandidates().isEmpty()) {
      out.printf(
          "  %-7s %-14s %-36s %8s %8s %8s  %s%n",
          "scope", "method", "settings", "gap(pt)", "UA(%)", "cost", "verdict");
    }
    for (CalibrationCandidate c : r.getCandidates()) {
      out.printf(
          Locale.ROOT,
          "  %-7s %-14s %-36s %8s %8s %8.2f  %s%s%n",
          c.getScope().toLowerCase(Locale.ROOT),
          c.getMethod(),
          c.getSettings(),
          c.getAvgGap() == null ? "-" : String.format(Locale.ROOT, "%.2f", 100 * c.getAvgGap()),
          c.getForgetAccuracy() == null
              ? "-"
              : String.format(Locale.ROOT, "%.2f", 100 * c.getForgetAccuracy()),
          c.getCostRetrainings(),
          c.getVerdict(),
          c.getChosen()
              ? "  <- chosen"
              : Objects.toString(c.getReason() == null ? "" : "  " + c.getReason()));
    }
  }
}
