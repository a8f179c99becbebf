package io.lethe.processor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesThePrometheusTextFormatWithJvmAndLetheMetrics() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LetheMetrics metrics = new LetheMetrics(registry);
    metrics.requestReceived();
    try (AutoCloseable jvm = MetricsServer.bindJvmMetrics(registry);
        MetricsServer server = MetricsServer.start(registry, 0)) {
      assertTrue(server.port() > 0);
      HttpResponse<String> response = get(server, "/metrics");
      assertEquals(200, response.statusCode());
      assertEquals(
          MetricsServer.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
      String body = response.body();
      assertTrue(body.contains("# TYPE lethe_requests_received_total counter"), body);
      assertTrue(body.contains("lethe_requests_received_total 1.0"), body);
      for (String jvmName :
          new String[] {
            "jvm_memory_used_bytes{",
            "jvm_gc_memory_allocated_bytes_total",
            "jvm_threads_live_threads",
            "jvm_classes_loaded_classes",
            "process_cpu_usage",
            "system_cpu_count",
            "process_uptime_seconds",
            "process_start_time_seconds",
            "process_files_open_files"
          }) {
        assertTrue(body.contains(jvmName), () -> "no " + jvmName + " in\n" + body);
      }
      assertEquals(405, send(server, "/metrics", "POST").statusCode());
      assertEquals(404, get(server, "/nothing").statusCode());
      assertEquals(404, get(server, "/metrics/more").statusCode());
    }
  }

  @Test
  void healthFollowsTheSupplierAndCloseFreesThePort() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicBoolean healthy = new AtomicBoolean(true);
    int port;
    try (MetricsServer server =
        MetricsServer.start(registry, new InetSocketAddress("127.0.0.1", 0), healthy::get)) {
      port = server.port();
      HttpResponse<String> up = get(server, "/health");
      assertEquals(200, up.statusCode());
      assertEquals("UP\n", up.body());
      healthy.set(false);
      HttpResponse<String> down = get(server, "/health");
      assertEquals(503, down.statusCode());
      assertTrue(down.body().startsWith("DOWN"), down.body());
    }
    assertThrows(
        ConnectException.class,
        () ->
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void stateStoreMetricsOfEveryStoreTypeShareTheirLabelNames() {
    PrometheusMeterRegistry registry = MetricsServer.newRegistry();
    Gauge.builder("kafka.stream.state.put.rate", () -> 1.0)
        .tags("rocksdb.state.id", "open-batches", "task.id", "1_0")
        .register(registry);
    Gauge.builder("kafka.stream.state.put.rate", () -> 2.0)
        .tags("rocksdb.window.state.id", "request-ids", "task.id", "1_0")
        .register(registry);
    String text = registry.scrape();
    assertTrue(
        text.contains(
            "kafka_stream_state_put_rate{state_id=\"open-batches\",store_type=\"rocksdb\","
                + "task_id=\"1_0\"} 1.0"),
        text);
    assertTrue(
        text.contains(
            "kafka_stream_state_put_rate{state_id=\"request-ids\",store_type=\"rocksdb-window\","
                + "task_id=\"1_0\"} 2.0"),
        text);
  }

  @Test
  void kafkaBindersLookForNewMetricsOftenerThanOnceAMinute() throws Exception {
    var scheduler = MetricsServer.refreshing(java.time.Duration.ofMillis(50));
    try {
      java.util.concurrent.CountDownLatch twice = new java.util.concurrent.CountDownLatch(2);
      scheduler.scheduleAtFixedRate(
          twice::countDown, 60, 60, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(twice.await(5, java.util.concurrent.TimeUnit.SECONDS), "not run every 50 ms");
    } finally {
      scheduler.shutdownNow();
    }
  }

  private HttpResponse<String> get(MetricsServer server, String path)
      throws IOException, InterruptedException {
    return send(server, path, "GET");
  }

  private HttpResponse<String> send(MetricsServer server, String path, String method)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
