package io.lethe.launcher;

import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicAdmin;
import io.lethe.kafka.TopicNames;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.ProcessorAssembly;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.metrics.ProcessorMetrics;
import io.lethe.processor.topology.BatchPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The processor service alone (topology + worker + /metrics), against an existing Kafka. */
@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description =
        "Run the deletion-request topology and the unlearning worker against a Kafka cluster."
            + " Every option can also be set by the environment variable named in its description.")
public final class ProcessorCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ProcessorCommand.class);

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "${env:LETHE_BOOTSTRAP_SERVERS:-localhost:9092}",
      description = "Kafka (LETHE_BOOTSTRAP_SERVERS). Default: ${DEFAULT-VALUE}.")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      defaultValue = "${env:LETHE_SCHEMA_REGISTRY_URL}",
      description =
          "Apicurio Registry core API URL; when set, records use the Confluent wire format"
              + " (LETHE_SCHEMA_REGISTRY_URL). Default: none (Avro single-object encoding).")
  String schemaRegistryUrl;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:LETHE_DATA_DIR:-.lethe/processor}",
      description = "Streams state (LETHE_DATA_DIR). Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(
      names = "--artifact-dir",
      defaultValue = "${env:LETHE_ARTIFACT_DIR}",
      description =
          "Model artifacts, shared with the registry (LETHE_ARTIFACT_DIR). Default: <data-dir>/artifacts.")
  Path artifactDir;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:LETHE_METRICS_PORT:-9404}",
      description = "/metrics and /health port (LETHE_METRICS_PORT). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(
      names = "--catalog",
      defaultValue = "${env:LETHE_CATALOG}",
      description =
          "The model catalog: the models to serve, their data and settings (LETHE_CATALOG); a"
              + " file (docs/catalog.md), or builtin:mnist-10k / builtin:examples for a shipped one."
              + " Default: none; the processor then serves the models registered with `lethe"
              + " models register` (it serves those in any case).")
  String catalog;

  @Option(
      names = "--registration-dir",
      defaultValue = "${env:LETHE_REGISTRATION_DIR:-.}",
      description =
          "What relative paths are relative to in a registration made through the registry's"
              + " REST API (POST /api/registrations) (LETHE_REGISTRATION_DIR). Default: the working"
              + " directory.")
  Path registrationDir;

  @Option(
      names = "--partitions",
      defaultValue = "${env:LETHE_PARTITIONS:-3}",
      description =
          "Partitions of the topics it creates when missing (LETHE_PARTITIONS). Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(
      names = "--replication-factor",
      defaultValue = "${env:LETHE_REPLICATION_FACTOR:-1}",
      description =
          "Replication of the topics it creates (LETHE_REPLICATION_FACTOR). Default: ${DEFAULT-VALUE}.")
  short replication;

  @Option(
      names = "--batch-max-requests",
      defaultValue = "${env:LETHE_BATCH_MAX_REQUESTS:-100}",
      description =
          "Close a batch at this many requests (LETHE_BATCH_MAX_REQUESTS). Default: ${DEFAULT-VALUE}.")
  int batchMaxRequests;

  @Option(
      names = "--batch-max-age",
      defaultValue = "${env:LETHE_BATCH_MAX_AGE:-PT10S}",
      description =
          "Close a batch when its oldest request is this old (LETHE_BATCH_MAX_AGE). Default: ${DEFAULT-VALUE}.")
  Duration batchMaxAge;

  @Option(
      names = "--deadline-margin",
      defaultValue = "${env:LETHE_DEADLINE_MARGIN:-PT5M}",
      description =
          "Close a batch when a deadline is this near (LETHE_DEADLINE_MARGIN). Default: ${DEFAULT-VALUE}.")
  Duration deadlineMargin;

  @Option(
      names = "--worker-id",
      defaultValue = "${env:LETHE_WORKER_ID:-lethe-worker-0}",
      description =
          "Stable transactional id of this worker (LETHE_WORKER_ID). Default: ${DEFAULT-VALUE}.")
  String workerId;

  @Mixin ProcessorOptions options;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> config = options.checkedConfig();
    if (schemaRegistryUrl != null && !schemaRegistryUrl.isBlank()) {
      config.put(AvroSerdes.REGISTRY_URL, schemaRegistryUrl);
    }
    LetheTopics topics =
        new LetheTopics(TopicNames.fromConfig(config), AvroSerdes.fromConfig(config));
    // The whole catalog is validated and its data loaded before anything touches Kafka.
    ModelCatalog models = new ModelCatalog(List.of());
    if (catalog != null && !catalog.isBlank()) {
      Path catalogFile = BuiltinCatalog.resolve(catalog, dataDir);
      models = ModelCatalog.load(catalogFile);
      log.info("Catalog {}: models {}", catalogFile, models.ids());
    } else {
      log.info("No catalog file: serving the registered models only");
    }
    TopicAdmin.ensureTopics(
        bootstrapServers, options.kafkaClient(), topics.names, partitions, replication);
    ProcessorAssembly assembly = new ProcessorAssembly(models, registrationDir);
    try (GracefulShutdown shutdown = GracefulShutdown.install();
        ProcessorMetrics metrics = new ProcessorMetrics();
        LetheProcessor processor =
            assembly.processor(
                bootstrapServers,
                dataDir,
                topics,
                new BatchPolicy(batchMaxRequests, batchMaxAge, deadlineMargin),
                metrics.bridge(),
                metrics.bridge(),
                s -> options.apply(s.withWorkerId(workerId).withArtifactDir(artifactDir)))) {
      processor.start(Duration.ofMinutes(5), log::info);
      metrics.serve(processor, assembly.modelIds(), options.metricsAddress(metricsPort));
      log.info("Processor running; metrics on {}:{}/metrics", options.metricsHost, metrics.port());
      shutdown.await();
    }
    return 0;
  }
}
