package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.VerificationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read side of the HTTP API over a registry fed through Kafka. */
class ApiReadIntegrationTest {
  @TempDir static Path tempDir;
  static RegistryFixture fx;
  static final List<ModelVersion> mnist = new ArrayList<>();

  @BeforeAll
  static void start() {
    fx = new RegistryFixture(tempDir, null);
    mnist.add(fx.artifacts.version("mnist-mlp", 1, VerificationStatus.PASSED, List.of()));
    mnist.add(fx.artifacts.version("mnist-mlp", 2, VerificationStatus.PASSED, List.of("r1", "r2")));
    mnist.add(fx.artifacts.version("mnist-mlp", 3, VerificationStatus.FAILED, List.of("r3")));
    mnist.add(fx.artifacts.version("mnist-mlp", 4, VerificationStatus.PASSED, List.of("r3")));
    mnist.forEach(fx::publish);
    for (int i = 1; i <= 3; i++) {
      fx.publish(fx.artifacts.version("cifar-" + i, 1, VerificationStatus.PASSED, List.of()));
    }
    fx.awaitVersion("mnist-mlp", 4);
    fx.awaitVersion("cifar-3", 1);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void listsAndSearchesModelsPageByPage() {
    JsonNode all = fx.http.get("/api/models").json();
    assertEquals(4, all.get("total").asInt());
    JsonNode page = fx.http.get("/api/models?q=CIFAR&page=1&size=2").json();
    assertEquals(3, page.get("total").asInt());
    assertEquals(1, page.get("items").size());
    assertEquals("cifar-3", page.get("items").get(0).get("modelId").asText());
    JsonNode mnistSummary = fx.http.get("/api/models?q=mnist").json().get("items").get(0);
    assertEquals(4, mnistSummary.get("versionCount").asInt());
    assertEquals(4, mnistSummary.get("latestVersion").asInt());
    assertEquals("PASSED", mnistSummary.get("latestStatus").asText());
  }

  @Test
  void filtersVersionsByStatusAndTime() {
    JsonNode failed = fx.http.get("/api/models/mnist-mlp/versions?status=failed").json();
    assertEquals(1, failed.get("total").asInt());
    assertEquals(3, failed.get("items").get(0).get("version").asInt());
    JsonNode window =
        fx.http
            .get(
                "/api/models/mnist-mlp/versions?since=2026-01-01T02:00:00Z"
                    + "&until=2026-01-01T04:00:00Z")
            .json();
    assertEquals(List.of(2, 3), versions(window));
    assertEquals(
        List.of(1, 2, 3, 4), versions(fx.http.get("/api/models/mnist-mlp/versions").json()));
  }

  @Test
  void servesOneVersionWithMetricsLineageAndArtifact() {
    JsonNode v = fx.http.get("/api/models/mnist-mlp/versions/4").json();
    assertEquals("mnist-mlp", v.get("modelId").asText());
    assertEquals("PASSED", v.get("status").asText());
    assertEquals("famr", v.get("method").asText());
    assertEquals(0.14, v.get("metrics").get("forgetAccuracy").asDouble(), 1e-9);
    assertEquals(9000, v.get("metrics").get("retainSetSize").asInt());
    JsonNode lineage = v.get("lineage");
    assertEquals(3, lineage.get("parentVersion").asInt());
    assertEquals(List.of(3, 2, 1), Http.JSON.convertValue(lineage.get("ancestors"), List.class));
    assertEquals("batch-mnist-mlp-4", lineage.get("batchId").asText());
    assertEquals("r3", lineage.get("requestIds").get(0).asText());
    assertEquals(
        4,
        fx.http
            .get("/api/models/mnist-mlp/versions/3")
            .json()
            .get("lineage")
            .get("children")
            .get(0)
            .asInt());
    assertEquals(mnist.get(3).getArtifact().getSha256(), v.get("artifact").get("sha256").asText());
    assertEquals(
        "/api/models/mnist-mlp/versions/4/artifact", v.get("artifact").get("downloadUrl").asText());
    assertEquals("2026-01-01T04:00:00Z", v.get("createdAt").asText());
  }

  @Test
  void downloadsTheArtifactBytes() throws Exception {
    Http.Response r = fx.http.get("/api/models/mnist-mlp/versions/2/artifact");
    assertEquals(200, r.status());
    byte[] expected = Files.readAllBytes(Artifacts.path(mnist.get(1).getArtifact()));
    assertArrayEquals(expected, r.raw().body());
    assertEquals(mnist.get(1).getArtifact().getSha256(), r.header("X-Checksum-SHA256"));
    assertEquals(mnist.get(1).getArtifact().getSha256(), Artifacts.sha256(r.raw().body()));
    assertTrue(r.header("Content-Disposition").contains("mnist-mlp-v2-"));
  }

  @Test
  void unknownThingsAre404WithAJsonError() {
    for (String path :
        List.of(
            "/api/models/nope/versions",
            "/api/models/mnist-mlp/versions/99",
            "/api/models/mnist-mlp/versions/99/artifact",
            "/api/requests/never-seen",
            "/api/nothing-here")) {
      Http.Response r = fx.http.get(path);
      assertEquals(404, r.status(), path);
      assertEquals(404, r.json().get("status").asInt(), path);
      assertTrue(r.json().get("message").asText().length() > 0, path);
    }
  }

  @Test
  void badInputIs400WithAJsonErrorAndNoStackTrace() {
    for (String path :
        List.of(
            "/api/models/mnist-mlp/versions/four",
            "/api/models/mnist-mlp/versions?status=BROKEN",
            "/api/models/mnist-mlp/versions?since=yesterday",
            "/api/models?page=-1",
            "/api/models?size=100000",
            "/api/models?size=abc",
            "/api/models/mnist-mlp/versions/99999999999")) {
      Http.Response r = fx.http.get(path);
      assertEquals(400, r.status(), path);
      JsonNode error = r.json();
      assertEquals(400, error.get("status").asInt());
      assertEquals("Bad Request", error.get("error").asText());
      assertTrue(!r.body().contains("Exception") && !r.body().contains("\tat "), r.body());
    }
  }

  @Test
  void unsupportedMethodsGetAJsonError() {
    for (String method : List.of("DELETE", "PATCH", "POST")) {
      Http.Response r = fx.http.send(method, "/api/models", "{}", RegistryFixture.TOKEN);
      assertTrue(r.status() == 404 || r.status() == 405, method + " " + r.status());
      assertEquals(r.status(), r.json().get("status").asInt());
    }
  }

  @Test
  void servesTheOpenApiDocument() {
    JsonNode doc = fx.http.get("/openapi.json").json();
    assertTrue(doc.get("openapi").asText().startsWith("3."));
    assertTrue(doc.get("paths").has("/api/models/{modelId}/versions/{version}"));
  }

  @Test
  void servesHealth() {
    JsonNode health = fx.http.get("/health").json();
    assertEquals("UP", health.get("status").asText());
    assertEquals("RUNNING", health.get("consumer").asText());
  }

  private static List<Integer> versions(JsonNode page) {
    List<Integer> out = new ArrayList<>();
    page.get("items").forEach(v -> out.add(v.get("version").asInt()));
    return out;
  }
}
