package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.registration.Registrar;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.WorkerListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registration through the registry's REST API with the admin token, through Kafka: the registry
 * publishes the request, a running processor validates it with {@link Registrar} (the code of
 * {@code lethe models register}) and publishes the outcome, the registry shows it. A good
 * registration (paths relative to the processor's registration directory) is accepted and its model
 * onboarded; a bad one is refused with its problem named and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestRegistrationIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private EmbeddedLethe lethe;

  @BeforeAll
  void start() throws Exception {
    Path lethDir = dir.resolve("lethe");
    // The data under the processor's registration directory (EmbeddedLethe's own directory).
    Path data = BuiltinCatalog.writeExamples(lethDir.resolve("data")).getParent();
    Files.copy(
        Path.of(System.getProperty("basedir", "."))
            .toAbsolutePath()
            .resolveSibling("processor")
            .resolve("src/test/resources/torchscript/patients-mlp.pt"),
        data.resolve("patients-mlp.pt"));
    ModelCatalog running =
        new ModelCatalog(
            List.of(
                ModelCatalog.load(data.resolve("catalog.yaml"))
                    .withEntry(BuiltinCatalog.PATIENTS_MLP, e -> e.withEpochs(5))
                    .require(BuiltinCatalog.PATIENTS_MLP)));
    lethe =
        EmbeddedLethe.start(
            lethDir,
            running,
            new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)),
            0,
            0,
            WorkerListener.NONE,
            line -> {});
  }

  @AfterAll
  void stop() {
    if (lethe != null) {
      lethe.close();
    }
  }

  @Test
  void aGoodRegistrationIsAcceptedAndItsModelOnboarded() throws Exception {
    HttpResponse<String> posted = post(entry("patients-rest", "famr"), lethe.adminToken());
    assertEquals(202, posted.statusCode(), posted.body());
    String location = posted.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith("/api/registrations/"), location);
    assertEquals("pending", JSON.readTree(posted.body()).path("status").asText(), posted.body());

    JsonNode outcome = awaitDecided(location);
    assertEquals("accepted", outcome.path("status").asText(), outcome.toString());
    JsonNode model = outcome.path("models").get(0);
    assertEquals("patients-rest", model.path("modelId").asText(), outcome.toString());
    assertEquals("registered", model.path("outcome").asText(), outcome.toString());
    assertEquals(1, model.path("generation").asInt(), outcome.toString());
    assertTrue(outcome.path("problems").isEmpty(), outcome.toString());
    // The processor onboarded it like any registration: its first version reaches the registry.
    JsonNode first = awaitJson("/api/models/patients-rest/versions/1", Duration.ofMinutes(2));
    assertEquals("imported", first.path("method").asText(), first.toString());
  }

  @Test
  void aBadRegistrationIsRefusedWithItsProblemAndChangesNothing() throws Exception {
    HttpResponse<String> posted = post(entry("patients-bad", "mnemonic"), lethe.adminToken());
    assertEquals(202, posted.statusCode(), posted.body());
    JsonNode outcome = awaitDecided(posted.headers().firstValue("Location").orElseThrow());
    assertEquals("refused", outcome.path("status").asText(), outcome.toString());
    assertTrue(outcome.path("models").isEmpty(), outcome.toString());
    List<String> problems = JSON.convertValue(outcome.path("problems"), List.class);
    assertTrue(
        problems.stream()
            .anyMatch(
                p -> p.startsWith("models[0].unlearning.class.method") && p.contains("mnemonic")),
        problems.toString());
    Registrar registrar = new Registrar(lethe.bootstrapServers(), Map.of(), lethe.topics());
    assertTrue(registrar.current().keySet().stream().noneMatch("patients-bad"::equals));
  }

  @Test
  void registeringNeedsTheAdminToken() throws Exception {
    assertEquals(401, post(entry("patients-anon", "famr"), "not-the-token").statusCode());
  }

  // ---------------------------------------------------------------------------------------------

  /** The docs/pytorch.md entry, its paths relative to the registration directory. */
  private static String entry(String id, String classMethod) {
    return """
        models:
          - id: %s
            dataset:
              format: csv
              train: data/breast-cancer-wisconsin/train.csv
              test: data/breast-cancer-wisconsin/test.csv
              columns: {sampleId: sample_id, subject: patient_id, label: diagnosis}
              classes: [benign, malignant]
            model:
              torchscript: data/patients-mlp.pt
              head: {weight: head.weight, bias: head.bias}
              features: features
            unlearning:
              class: {method: %s}
              samples: {method: muso}
        """
        .formatted(id, classMethod);
  }

  private HttpResponse<String> post(String yaml, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(lethe.registryUrl() + "/api/registrations"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(yaml))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode awaitDecided(String location) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = awaitJson(location, Duration.ofSeconds(30));
      if (!last.path("status").asText().equals("pending")) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("still pending: " + last);
  }

  private JsonNode awaitJson(String path, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(lethe.registryUrl() + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return JSON.readTree(r.body());
      }
      last = r.statusCode() + " " + r.body();
      Thread.sleep(200);
    }
    throw new AssertionError("GET " + path + ": " + last);
  }
}
