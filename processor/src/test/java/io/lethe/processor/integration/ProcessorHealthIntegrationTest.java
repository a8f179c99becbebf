package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.ModelVersion;
import io.lethe.avro.UnlearningBatch;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.metrics.ProcessorMetrics;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.WorkerListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} tells the truth about the worker: a worker stuck in a step that does not return
 * is reported DOWN with the reason within 30 s (on main it stayed UP as long as the topology ran),
 * and UP again once it moves on.
 */
class ProcessorHealthIntegrationTest {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void aStuckWorkerIsDownWithTheReasonAndUpAgainOnceItMovesOn(@TempDir Path dir) throws Exception {
    PipelineHarness harness = new PipelineHarness(kafka, "health.", dir);
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WorkerListener hang =
        new WorkerListener() {
          @Override
          public void beforeCommit(UnlearningBatch batch, ModelVersion version) {
            stuck.countDown();
            try {
              release.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    HttpClient http = HttpClient.newHttpClient();
    try (LetheProcessor processor =
            harness.processor(
                new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)), hang);
        ProcessorMetrics metrics =
            new ProcessorMetrics().serve(processor, List.of(PipelineHarness.MODEL), 0);
        var producer = harness.producer()) {
      URI health = URI.create("http://127.0.0.1:" + metrics.port() + "/health");
      HttpResponse<String> up = awaitStatus(http, health, 200, Duration.ofSeconds(60));
      assertEquals("UP\n", up.body(), "control: healthy before the worker is stuck");

      harness.send(producer, PipelineHarness.samples("health-1", 5));
      producer.flush();
      assertTrue(stuck.await(2, TimeUnit.MINUTES), "the worker reached the commit step");
      HttpResponse<String> down = awaitStatus(http, health, 503, Duration.ofSeconds(30));
      assertTrue(down.body().startsWith("DOWN: "), down.body());
      assertTrue(down.body().contains("has not polled"), down.body());

      release.countDown();
      awaitStatus(http, health, 200, Duration.ofSeconds(30));
    } finally {
      release.countDown();
    }
  }

  private static HttpResponse<String> awaitStatus(
      HttpClient http, URI uri, int status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<String> last;
    do {
      last = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      if (last.statusCode() == status) {
        return last;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "no " + status + " from " + uri + " within " + timeout + "; last: " + last.body());
  }
}
