package io.lethe.processor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.topology.RejectionKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LetheMetricsTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** A clock the test moves by hand. */
  private static final class MovableClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(T0);

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void requestCountersHaveThePrometheusNamesAndEveryReasonFromZero() {
    LetheMetrics metrics = new LetheMetrics(prometheus);
    String fresh = prometheus.scrape();
    for (String reason :
        new String[] {
          "malformed",
          "too_large",
          "invalid",
          "unknown_model",
          "unknown_subject",
          "processing_failed"
        }) {
      assertHas(fresh, "lethe_requests_rejected_total{reason=\"" + reason + "\"} 0.0");
    }
    assertHas(fresh, "lethe_requests_received_total 0.0");
    assertHas(fresh, "lethe_requests_duplicate_total 0.0");

    metrics.requestReceived();
    metrics.requestReceived();
    metrics.requestDuplicate();
    metrics.requestRejected(RejectionKind.MALFORMED);
    metrics.requestRejected(RejectionKind.UNKNOWN_MODEL);
    metrics.requestRejected(RejectionKind.UNKNOWN_SUBJECT);
    metrics.requestRejected(RejectionKind.INVALID);
    metrics.requestRejected(RejectionKind.UNKNOWN_MODEL);

    String text = prometheus.scrape();
    assertHas(text, "lethe_requests_received_total 2.0");
    assertHas(text, "lethe_requests_duplicate_total 1.0");
    assertHas(text, "lethe_requests_rejected_total{reason=\"malformed\"} 1.0");
    assertHas(text, "lethe_requests_rejected_total{reason=\"unknown_model\"} 2.0");
    assertHas(text, "lethe_requests_rejected_total{reason=\"unknown_subject\"} 1.0");
    assertHas(text, "lethe_requests_rejected_total{reason=\"invalid\"} 1.0");
    assertHas(text, "lethe_requests_rejected_total{reason=\"too_large\"} 0.0");
  }

  @Test
  void pendingGaugesAgeTheOldestRequestAtScrapeTime() {
    MovableClock clock = new MovableClock();
    LetheMetrics metrics = new LetheMetrics(prometheus, clock);
    metrics.pendingChanged("mnist-mlp", 3, T0.minusSeconds(30));
    assertHas(prometheus.scrape(), "lethe_pending_requests{model=\"mnist-mlp\"} 3.0");
    assertHas(
        prometheus.scrape(), "lethe_oldest_pending_request_age_seconds{model=\"mnist-mlp\"} 30.0");

    clock.now.set(T0.plusSeconds(90));
    assertHas(
        prometheus.scrape(), "lethe_oldest_pending_request_age_seconds{model=\"mnist-mlp\"} 120.0");

    assertHas(
        prometheus.scrape(), "lethe_pending_deadline_remaining_seconds{model=\"mnist-mlp\"} NaN");
    metrics.pendingChanged("mnist-mlp", 4, T0.minusSeconds(30), T0.plusSeconds(3600));
    assertHas(
        prometheus.scrape(),
        "lethe_pending_deadline_remaining_seconds{model=\"mnist-mlp\"} 3510.0");
    clock.now.set(T0.plusSeconds(3700));
    assertHas(
        prometheus.scrape(),
        "lethe_pending_deadline_remaining_seconds{model=\"mnist-mlp\"} -100.0");

    metrics.pendingChanged("mnist-mlp", 0, null);
    String drained = prometheus.scrape();
    assertHas(drained, "lethe_pending_requests{model=\"mnist-mlp\"} 0.0");
    assertHas(drained, "lethe_oldest_pending_request_age_seconds{model=\"mnist-mlp\"} 0.0");
    assertHas(drained, "lethe_pending_deadline_remaining_seconds{model=\"mnist-mlp\"} NaN");
  }

  @Test
  void perModelMetersAreLabelledByModelOnly() {
    LetheMetrics metrics = new LetheMetrics(prometheus);
    metrics.modelKnown("mnist-cnn");
    String known = prometheus.scrape();
    assertHas(known, "lethe_deadline_breaches_total{model=\"mnist-cnn\"} 0.0");
    assertHas(known, "lethe_model_versions_published_total{model=\"mnist-cnn\"} 0.0");
    assertHas(
        known, "lethe_verification_outcomes_total{model=\"mnist-cnn\",status=\"failed\"} 0.0");
    assertHas(known, "lethe_pending_requests{model=\"mnist-cnn\"} 0.0");

    metrics.batchClosed("mnist-cnn", 4, "SIZE");
    metrics.batchClosed("mnist-cnn", 2, "DEADLINE");
    metrics.deadlineBreached("mnist-cnn");
    metrics.verificationOutcome("mnist-cnn", "PASSED");
    metrics.verificationOutcome("mnist-cnn", "FAILED");
    metrics.verificationOutcome("mnist-cnn", "something new");
    metrics.versionPublished("mnist-cnn");
    metrics.modelQuality("mnist-cnn", 0.0, 0.97, 0.95, 0.51);

    String text = prometheus.scrape();
    assertHas(text, "lethe_batch_size_count{model=\"mnist-cnn\"} 2");
    assertHas(text, "lethe_batch_size_sum{model=\"mnist-cnn\"} 6.0");
    assertHas(text, "lethe_batches_closed_total{model=\"mnist-cnn\",reason=\"size\"} 1.0");
    assertHas(text, "lethe_batches_closed_total{model=\"mnist-cnn\",reason=\"deadline\"} 1.0");
    assertHas(text, "lethe_deadline_breaches_total{model=\"mnist-cnn\"} 1.0");
    assertHas(text, "lethe_verification_outcomes_total{model=\"mnist-cnn\",status=\"passed\"} 1.0");
    assertHas(text, "lethe_verification_outcomes_total{model=\"mnist-cnn\",status=\"failed\"} 1.0");
    assertHas(
        text, "lethe_verification_outcomes_total{model=\"mnist-cnn\",status=\"unknown\"} 1.0");
    assertHas(text, "lethe_model_versions_published_total{model=\"mnist-cnn\"} 1.0");
    assertHas(text, "lethe_model_forget_accuracy{model=\"mnist-cnn\"} 0.0");
    assertHas(text, "lethe_model_retain_accuracy{model=\"mnist-cnn\"} 0.97");
    assertHas(text, "lethe_model_test_accuracy{model=\"mnist-cnn\"} 0.95");
    assertHas(text, "lethe_model_mia_score{model=\"mnist-cnn\"} 0.51");

    metrics.modelQuality("mnist-cnn", 0.01, 0.96, 0.94, 0.5);
    assertHas(prometheus.scrape(), "lethe_model_retain_accuracy{model=\"mnist-cnn\"} 0.96");
  }

  @Test
  void unlearningDurationIsAHistogramInSecondsAndDeviceMemoryInBytes() {
    LetheMetrics metrics = new LetheMetrics(prometheus);
    metrics.unlearningDuration("MUSO", "cpu", Duration.ofMillis(1500));
    metrics.unlearningDuration("muso", "cpu", Duration.ofMillis(500));
    metrics.deviceMemoryUsed("gpu0", 1_073_741_824L);
    metrics.deviceMemoryUsed("gpu0", 2_147_483_648L);

    String text = prometheus.scrape();
    assertHas(text, "lethe_unlearning_duration_seconds_count{device=\"cpu\",method=\"muso\"} 2");
    assertHas(text, "lethe_unlearning_duration_seconds_sum{device=\"cpu\",method=\"muso\"} 2.0");
    assertHas(text, "lethe_unlearning_duration_seconds_bucket{device=\"cpu\",method=\"muso\",le=");
    assertHas(text, "lethe_device_memory_used_bytes{device=\"gpu0\"} 2.147483648E9");
  }

  @Test
  void samplesDeviceMemoryAtScrapeTime() throws Exception {
    LetheMetrics metrics = new LetheMetrics(prometheus);
    java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong(-1);
    metrics.deviceMemory("gpu(0)", used::get);
    assertHas(prometheus.scrape(), "lethe_device_memory_used_bytes{device=\"gpu(0)\"} NaN");
    used.set(1024);
    assertHas(prometheus.scrape(), "lethe_device_memory_used_bytes{device=\"gpu(0)\"} 1024.0");

    java.nio.file.Path status = java.nio.file.Files.createTempFile("status", "");
    java.nio.file.Files.writeString(status, "Name:\tjava\nVmRSS:\t  123456 kB\nThreads:\t9\n");
    assertEquals(123456L * 1024, DeviceMemory.residentSetBytes(status));
    java.nio.file.Files.writeString(status, "Name:\tjava\n");
    assertEquals(-1, DeviceMemory.residentSetBytes(status));
    java.nio.file.Files.delete(status);
    assertTrue(DeviceMemory.usedBytes(ai.djl.Device.cpu()) > 0, "this process uses no memory?");
  }

  @Test
  void worksOnAnyRegistryAndRefusesAnEmptyModelId() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    LetheMetrics metrics = new LetheMetrics(simple);
    metrics.requestReceived();
    metrics.batchClosed("m", 5, "AGE");
    assertEquals(1.0, simple.get(LetheMetrics.REQUESTS_RECEIVED).counter().count());
    assertEquals(
        5.0, simple.get(LetheMetrics.BATCH_SIZE).tag("model", "m").summary().totalAmount());
    assertThrows(IllegalArgumentException.class, () -> metrics.deadlineBreached(" "));
  }

  private static void assertHas(String scrape, String line) {
    assertTrue(scrape.contains(line), () -> "missing `" + line + "` in:\n" + scrape);
  }
}
