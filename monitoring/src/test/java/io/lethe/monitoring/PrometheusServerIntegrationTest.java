package io.lethe.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.processor.metrics.LetheMetrics;
import io.lethe.processor.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) scrapes a {@link MetricsServer},
 * loads {@code alerts.yml}, and fires an alert from Lethe's metrics: the exposition format, the
 * scrape path and the rules work end to end. Skipped where the {@code prometheus} binary is not
 * installed.
 */
class PrometheusServerIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void scrapesTheProcessorAndFiresADeadlineAlert() throws Exception {
    Optional<Path> prometheus = onPath("prometheus");
    assumeTrue(
        prometheus.isPresent(), "prometheus is not on the PATH (apt-get install prometheus)");

    PrometheusMeterRegistry registry = MetricsServer.newRegistry();
    LetheMetrics metrics = new LetheMetrics(registry);
    metrics.requestReceived();
    metrics.requestReceived();
    metrics.pendingChanged(
        "mnist-mlp", 2, Instant.now().minusSeconds(60), Instant.now().plusSeconds(1200));

    Path root = MonitoringContract.findRepositoryRoot();
    Files.copy(root.resolve("monitoring/prometheus/alerts.yml"), dir.resolve("alerts.yml"));
    int webPort = freePort();
    Process server = null;
    try (MetricsServer processor = MetricsServer.start(registry, 0)) {
      Files.writeString(
          dir.resolve("prometheus.yml"),
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "  evaluation_interval: 1s",
              "rule_files: [alerts.yml]",
              "scrape_configs:",
              "  - job_name: lethe-processor",
              "    static_configs:",
              "      - targets: ['127.0.0.1:" + processor.port() + "']",
              ""));
      server =
          new ProcessBuilder(
                  prometheus.get().toString(),
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + webPort,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      String api = "http://127.0.0.1:" + webPort + "/api/v1/";

      JsonNode received =
          await(
              api + "query?query=" + encode("lethe_requests_received_total"),
              r -> r.path("data").path("result").size() == 1);
      assertEquals("2", received.path("data").path("result").get(0).path("value").get(1).asText());

      JsonNode rules = await(api + "rules", r -> r.path("data").path("groups").size() == 4);
      int count = 0;
      for (JsonNode group : rules.path("data").path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          assertEquals("ok", rule.path("health").asText(), rule.toString());
          count++;
        }
      }
      assertEquals(13, count);

      JsonNode alerts = await(api + "alerts", r -> firing(r).isPresent());
      JsonNode firing = firing(alerts).orElseThrow();
      assertEquals("mnist-mlp", firing.path("labels").path("model").asText());
      assertEquals("critical", firing.path("labels").path("severity").asText());
    } finally {
      if (server != null) {
        server.destroy();
        server.waitFor();
      }
    }
  }

  private static Optional<JsonNode> firing(JsonNode alerts) {
    for (JsonNode a : alerts.path("data").path("alerts")) {
      if (a.path("labels").path("alertname").asText().equals("LetheDeletionDeadlineImminent")
          && a.path("state").asText().equals("firing")) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  private JsonNode await(String url, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          last = JSON.readTree(response.body());
          if (done.test(last)) {
            return last;
          }
        }
      } catch (java.io.IOException notYetListening) {
        // Prometheus is still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no answer from "
            + url
            + ": "
            + last
            + "\n"
            + Files.readString(dir.resolve("prometheus.log")));
  }

  private static String encode(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Optional<Path> onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(d.isEmpty() ? "." : d, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
