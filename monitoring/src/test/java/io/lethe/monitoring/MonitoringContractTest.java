package io.lethe.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.monitoring.MonitoringContract.Reference;
import io.lethe.processor.metrics.LetheMetrics;
import io.lethe.processor.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MonitoringContractTest {
  private final MonitoringContract contract =
      MonitoringContract.load(MonitoringContract.findRepositoryRoot());

  @Test
  void extractsMetricNamesFromPromQl() {
    assertEquals(
        Set.of("lethe_unlearning_duration_seconds_bucket"),
        MonitoringContract.metricNames(
            "histogram_quantile(0.95, sum by (le, method, device)"
                + " (rate(lethe_unlearning_duration_seconds_bucket{model=~\"$model\"}"
                + "[$__rate_interval])))"));
    assertEquals(
        Set.of("a_total", "b_seconds"),
        MonitoringContract.metricNames(
            "sum without (instance) (rate(a_total[5m])) / on (model) group_left (job)"
                + " b_seconds offset 1h > 6 * 3600"));
    assertEquals(
        Set.of("up"), MonitoringContract.metricNames("up{job=~\"lethe-processor|x_y\"} == 0"));
    assertEquals(
        Set.of("kafka_producer_topic_record_send_total", "lethe_requests_rejected_total"),
        MonitoringContract.metricNames(
            "sum by (job) (increase(lethe_requests_rejected_total[15m])) > 1e3 or sum"
                + " (increase(kafka_producer_topic_record_send_total{topic=~\".+[.]dlq\"}[15m]))"
                + " > 10 and bool 1"));
    assertEquals(Set.of(), MonitoringContract.metricNames("vector(1) * 2.5e-3 + ${var} + $x"));
  }

  @Test
  void readsTheMetricOutOfGrafanaTemplateQueries() {
    assertEquals(
        "lethe_pending_requests",
        MonitoringContract.templateQuery("label_values(lethe_pending_requests, model)"));
    assertEquals(
        "up{job=\"a\"}", MonitoringContract.templateQuery("label_values(up{job=\"a\"}, instance)"));
    assertEquals("", MonitoringContract.templateQuery("label_values(model)"));
    assertEquals("sum(x)", MonitoringContract.templateQuery("query_result(sum(x))"));
  }

  @Test
  void findsTheReferencesOfEveryAlertAndDashboard() {
    Set<String> sources =
        contract.references().stream()
            .map(r -> r.source().substring(0, r.source().indexOf(':')))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        Set.of(
            "monitoring/grafana/dashboards/forgetting-quality.json",
            "monitoring/grafana/dashboards/pipeline-health.json",
            "monitoring/prometheus/alerts.yml"),
        sources);
    assertTrue(
        contract
            .references()
            .contains(
                new Reference(
                    "monitoring/prometheus/alerts.yml: alert LetheVerificationFailed",
                    "lethe_verification_outcomes_total")),
        contract.references()::toString);
    assertTrue(
        contract
            .references()
            .contains(
                new Reference(
                    "monitoring/grafana/dashboards/pipeline-health.json: variable model",
                    "lethe_pending_requests")),
        contract.references()::toString);
    // The must-haves are on a dashboard or in an alert.
    for (String name :
        List.of(
            "lethe_requests_received_total",
            "lethe_requests_duplicate_total",
            "lethe_requests_rejected_total",
            "lethe_pending_requests",
            "lethe_oldest_pending_request_age_seconds",
            "lethe_deadline_breaches_total",
            "lethe_batch_size_count",
            "lethe_unlearning_duration_seconds_bucket",
            "lethe_verification_outcomes_total",
            "lethe_model_forget_accuracy",
            "lethe_model_retain_accuracy",
            "lethe_model_test_accuracy",
            "lethe_model_mia_score",
            "lethe_model_versions_published_total",
            "lethe_registry_ingest_lag_seconds",
            "lethe_device_memory_used_bytes",
            "kafka_consumer_fetch_manager_records_lag",
            "up")) {
      assertTrue(contract.metricNames().contains(name), () -> name + " is on no panel or alert");
    }
  }

  @Test
  void aScrapeWithoutKafkaOrTheRegistryLacksExactlyTheirNames() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LetheMetrics metrics = new LetheMetrics(registry);
    MetricsServer.bindJvmMetrics(registry);
    metrics.modelKnown("m");
    metrics.batchClosed("m", 2, "SIZE");
    metrics.pendingChanged("m", 1, Instant.now(), Instant.now().plusSeconds(60));
    metrics.unlearningDuration("muso", "cpu", Duration.ofSeconds(1));
    metrics.modelQuality("m", 0, 1, 1, 0.5);
    metrics.deviceMemoryUsed("cpu", 1);
    String scrape = ProcessorScrape.afterAGarbageCollection(registry);

    Set<String> missing =
        contract.missingFrom(List.of(scrape)).stream()
            .map(Reference::metric)
            .collect(Collectors.toCollection(TreeSet::new));
    assertTrue(
        missing.stream().allMatch(n -> n.startsWith("kafka_") || n.startsWith("lethe_registry_")),
        () -> "missing beyond Kafka's and the registry's: " + missing);
    assertTrue(missing.contains("lethe_registry_ingest_lag_seconds"), missing::toString);
    assertTrue(missing.contains("kafka_consumer_fetch_manager_records_lag"), missing::toString);
    assertTrue(!missing.contains("up"), "up is Prometheus's own");

    // A renamed meter is caught: the same scrape with one name changed.
    List<Reference> renamed =
        contract.missingFrom(
            List.of(scrape.replace("lethe_model_mia_score", "lethe_model_mia_auc")));
    assertTrue(
        renamed.stream().anyMatch(r -> r.metric().equals("lethe_model_mia_score")),
        () -> MonitoringContract.describe(renamed));
  }

  @Test
  void readsSampleNamesOfTheTextFormat() {
    String scrape =
        "# HELP x_total help\n# TYPE x_total counter\nx_total{a=\"b c\"} 1.0\n"
            + "y_seconds_bucket{le=\"+Inf\"} 3\nz 4 1700000000000\n\n";
    assertEquals(
        Set.of("x_total", "y_seconds_bucket", "z"), MonitoringContract.sampleNames(scrape));
  }
}
