package io.lethe.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.TopicNames;
import io.lethe.monitoring.MonitoringContract.Reference;
import io.lethe.registry.ModelRegistryApp;
import io.lethe.registry.RegistryConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the dashboards and alert rules use is on a live scrape of the running services: the
 * processor (assembled as {@code lethe processor} does, on an in-JVM broker, with an instant
 * unlearning engine) and the model registry (the real service on an embedded PostgreSQL, ingesting
 * the versions the processor published), both read over HTTP at {@code /metrics}.
 */
class MonitoringContractIntegrationTest {
  /** What only the model registry serves. */
  static final Set<String> REGISTRY_METRICS =
      Set.of(
          "lethe_registry_versions_ingested_total",
          "lethe_registry_ingest_lag_seconds",
          "lethe_registry_aliases_serving_erased_data");

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static ModelRegistryApp registry;
  private static String processorScrape;
  private static String registryScrape;
  private static final MonitoringContract contract =
      MonitoringContract.load(MonitoringContract.findRepositoryRoot());

  @BeforeAll
  static void scrapeTheRunningServices() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(TopicNames.DEFAULTS, 1);
    // The registry (PostgreSQL, migrations) starts while the processor runs; it reads the version
    // topic from the beginning.
    CompletableFuture<ModelRegistryApp> starting =
        CompletableFuture.supplyAsync(
            () ->
                ModelRegistryApp.start(
                    RegistryConfig.builder()
                        .bootstrapServers(kafka.bootstrapServers())
                        .topics(TopicNames.DEFAULTS)
                        .serdes(AvroSerdes.embedded())
                        .embeddedDataDir(dir.resolve("postgres"))
                        .httpPort(0)
                        .build()));
    try {
      processorScrape = ProcessorScrape.run(kafka, dir.resolve("processor"));
    } finally {
      registry = starting.join();
    }
    ProcessorScrape.save(processorScrape, "processor.prom");
    registryScrape =
        ProcessorScrape.awaitScrape(
            registry.baseUrl() + "/metrics",
            s ->
                s.contains("lethe_registry_versions_ingested_total{outcome=\"stored\"} 2.0")
                    && s.contains("jvm_gc_pause_seconds_count"));
    ProcessorScrape.save(registryScrape, "registry.prom");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyMetricOnADashboardOrInAnAlertIsOnALiveScrape() {
    List<Reference> missing = contract.missingFrom(List.of(processorScrape, registryScrape));
    assertTrue(
        missing.isEmpty(),
        () -> MonitoringContract.describe(missing) + "scrapes saved under target/scrapes");
  }

  @Test
  void eachServiceServesItsOwnNamesAndTheJvmOnes() {
    Set<String> processor = MonitoringContract.sampleNames(processorScrape);
    Set<String> registryNames = MonitoringContract.sampleNames(registryScrape);
    Set<String> wrongPlace = new TreeSet<>();
    for (String name : contract.metricNames()) {
      if (REGISTRY_METRICS.contains(name)) {
        if (!registryNames.contains(name)) {
          wrongPlace.add(name + " (registry)");
        }
      } else if (name.startsWith("jvm_") || name.startsWith("process_")) {
        // The JVM panels are per job: both services must serve them.
        if (!processor.contains(name) || !registryNames.contains(name)) {
          wrongPlace.add(name + " (both)");
        }
      } else if (!MonitoringContract.SYNTHETIC.contains(name) && !processor.contains(name)) {
        wrongPlace.add(name + " (processor)");
      }
    }
    assertEquals(Set.of(), wrongPlace, "not served where the dashboards expect them");
  }

  @Test
  void stateStoresOfEveryTypeKeepTheirMetrics() {
    // Every store type keeps its metrics (MetricsServer.stateStoreTags): the in-memory batch
    // stores, the RocksDB lineage store, the RocksDB dedupe window store.
    assertTrue(processorScrape.contains("store_type=\"in-memory\""), "no in-memory store metrics");
    assertTrue(processorScrape.contains("store_type=\"rocksdb\""), "no key-value store metrics");
    assertTrue(
        processorScrape.contains("store_type=\"rocksdb-window\""), "no window store metrics");
  }

  @Test
  void theWorkersOwnKafkaClientsAreOnTheScrape() {
    assertTrue(
        ProcessorScrape.hasWorkerClients(processorScrape),
        "no kafka_consumer_/kafka_producer_ meters of the worker's clients");
  }
}
