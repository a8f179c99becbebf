package io.lethe.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.monitoring.MonitoringContract.Reference;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the dashboards and alert rules use exists on a live scrape of the processor (the
 * real topology on an in-JVM broker, a worker-shaped consumer and transactional producer, every
 * binder), except the model registry's own two, which its live scrape must provide.
 */
class MonitoringContractIntegrationTest {
  /** What only the model registry serves; the launcher's end-to-end test checks its scrape. */
  static final Set<String> REGISTRY_METRICS =
      Set.of("lethe_registry_versions_ingested_total", "lethe_registry_ingest_lag_seconds");

  @TempDir Path stateDir;

  @Test
  void everyMetricOnADashboardOrInAnAlertIsOnALiveScrape() throws Exception {
    MonitoringContract contract = MonitoringContract.load(MonitoringContract.findRepositoryRoot());
    String scrape = ProcessorScrape.run(stateDir);
    Path saved = ProcessorScrape.save(scrape, "processor.prom");

    List<Reference> missing = contract.missingFrom(List.of(scrape));
    List<Reference> unexpected =
        missing.stream().filter(r -> !REGISTRY_METRICS.contains(r.metric())).toList();
    assertTrue(
        unexpected.isEmpty(),
        () -> MonitoringContract.describe(unexpected) + "scrape saved at " + saved);
    Set<String> registryOnly =
        missing.stream().map(Reference::metric).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(REGISTRY_METRICS, registryOnly, "the registry's names are used, and only they");

    // Key-value and window stores both keep their metrics (MetricsServer.stateStoreTags).
    assertTrue(scrape.contains("store_type=\"rocksdb\""), "no key-value store metrics");
    assertTrue(scrape.contains("store_type=\"rocksdb-window\""), "no window store metrics");
  }
}
