package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.kafka.Topic;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.WorkerListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin slice end to end on real parts: Avro requests on an in-JVM KRaft broker, the Kafka
 * Streams topology, the worker retraining a real DJL model on MNIST-10k, and the registry on a real
 * PostgreSQL serving the versions over HTTP.
 */
class PipelineIntegrationTest {
  private static final String MODEL = "mnist-mlp";
  @TempDir static Path dir;
  private static EmbeddedLethe lethe;
  private static List<DeletionRequest> requests;
  private static Map<String, RequestReceipt> outcomes;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void runTheSlice() {
    lethe =
        EmbeddedLethe.start(
            dir,
            BuiltinCatalog.load(dir.resolve("catalog"))
                // Two reference models, not four: the per-example test runs on the small batches,
                // at half the pool's cost (each is a retraining).
                .withEntry(
                    MODEL,
                    e -> e.withEpochs(2).withVerification(e.verification().withReferenceModels(2))),
            new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)),
            0,
            0,
            WorkerListener.NONE,
            line -> {});
    requests = DemoRequests.valid(MODEL, Instant.now());
    lethe.send(requests);
    lethe.sendRaw("garbage-1", "{not avro}".getBytes(StandardCharsets.UTF_8));
    lethe.send(List.of(DemoRequests.unknownModel(Instant.now())));
    outcomes =
        lethe.awaitOutcomes(
            requests.stream().map(DeletionRequest::getRequestId).toList(),
            Duration.ofMinutes(4),
            (id, r) -> {});
  }

  @AfterAll
  static void stop() {
    if (lethe != null) {
      lethe.close();
    }
  }

  @Test
  void everyValidRequestIsAppliedInAVersionOfItsOwn() {
    assertEquals(
        requests.stream().map(DeletionRequest::getRequestId).collect(Collectors.toSet()),
        outcomes.keySet());
    for (RequestReceipt receipt : outcomes.values()) {
      assertEquals(ReceiptStatus.APPLIED, receipt.getStatus(), receipt.toString());
      assertTrue(receipt.getModelVersion() >= 2);
    }
  }

  @Test
  void theRegistryServesTheNewVersionsWithRealMetrics() throws Exception {
    JsonNode items = awaitVersions(4);
    assertEquals(4, items.size(), items.toString());
    JsonNode trained = version(items, 1);
    assertEquals("train", trained.path("method").asText());
    assertTrue(trained.path("metrics").path("testAccuracy").asDouble() > 0.85, trained.toString());
    for (int v = 2; v <= 4; v++) {
      JsonNode version = version(items, v);
      assertEquals("PASSED", version.path("status").asText(), version.toString());
      assertEquals(MODEL, version.path("modelId").asText());
      assertTrue(version.path("batchId").asText().startsWith(MODEL + "-b"));
      JsonNode m = version.path("metrics");
      assertTrue(m.path("retainAccuracy").asDouble() > 0.85, m.toString());
      assertTrue(m.path("testAccuracy").asDouble() > 0.85, m.toString());
      assertTrue(m.path("forgetSetSize").asInt() > 0, m.toString());
      assertTrue(version.path("artifact").path("sha256").asText().matches("[0-9a-f]{64}"));
    }
    // The class-7 version answers no 7 correctly any more.
    String classVersion = outcomes.get("demo-class-7").getModelVersion().toString();
    JsonNode classMetrics = version(items, Integer.parseInt(classVersion)).path("metrics");
    assertTrue(classMetrics.path("forgetAccuracy").asDouble() <= 0.01, classMetrics.toString());
  }

  @Test
  void badInputIsDeadLetteredAndRejectedWithoutStoppingThePipeline() {
    Topic<String, byte[]> dlq =
        new Topic<>(lethe.topics().names.deadLetter(), Serdes.String(), Serdes.ByteArray());
    try (var reader = new TopicReader<>(lethe.bootstrapServers(), dlq)) {
      List<ConsumerRecord<String, byte[]>> dead =
          reader.readUntil(r -> r.size() >= 2, Duration.ofSeconds(30));
      assertEquals(
          List.of("demo-unknown-model", "garbage-1"),
          dead.stream().map(ConsumerRecord::key).sorted().toList());
      for (var record : dead) {
        assertNotNull(record.headers().lastHeader("lethe.error.reason"), record.key());
      }
    }
    try (var reader = new TopicReader<>(lethe.bootstrapServers(), lethe.topics().requestReceipts)) {
      var rejected =
          reader.readToEnd(Duration.ofSeconds(30)).stream()
              .filter(r -> r.value().getStatus() == ReceiptStatus.REJECTED)
              .collect(Collectors.toMap(ConsumerRecord::key, r -> r.value().getReason()));
      assertTrue(rejected.get("demo-unknown-model").contains("unknown model 'no-such-model'"));
      assertTrue(rejected.get("garbage-1").startsWith("malformed record"));
    }
  }

  private static JsonNode awaitVersions(int expected) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    JsonNode items = JSON.createArrayNode();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (items.size() < expected && System.nanoTime() < deadline) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(lethe.registryUrl() + "/api/models/" + MODEL + "/versions"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      items = JSON.readTree(response.body()).path("items");
      Thread.sleep(200);
    }
    return items;
  }

  private static JsonNode version(JsonNode items, int number) {
    for (JsonNode item : items) {
      if (item.path("version").asInt() == number) {
        return item;
      }
    }
    throw new AssertionError("no version " + number + " in " + items);
  }
}
