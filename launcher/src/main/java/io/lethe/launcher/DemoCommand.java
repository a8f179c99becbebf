package io.lethe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.WorkerListener;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the whole pipeline in one JVM on an embedded broker and database: trains the model, sends
 * one deletion request of each scope (and two bad records), waits for the new versions and prints
 * them as the registry serves them.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Train a model on MNIST-10k, send deletion requests through the embedded pipeline, and"
            + " show the new versions from the registry's HTTP API.")
public final class DemoCommand implements Callable<Integer> {
  static final String MODEL_ID = BuiltinCatalog.MNIST_MLP;

  @Option(names = "--exit", description = "Exit when done instead of serving until Ctrl-C.")
  boolean exit;

  @Option(
      names = "--http-port",
      defaultValue = "8081",
      description = "Registry HTTP port (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(
      names = "--metrics-port",
      defaultValue = "9404",
      description = "Processor /metrics port (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(
      names = "--data-dir",
      description =
          "Keep the broker, database and artifacts here (default: a temporary directory).")
  Path dataDir;

  @Option(
      names = "--epochs",
      description =
          "Training epochs of the model (default: the catalog's recipe, 8 for the built-in one).")
  Integer epochs;

  @Option(
      names = "--catalog",
      description =
          "Run on the models of this catalog (default: the built-in one, written to"
              + " <data-dir>/catalog/ for you to read and copy). The demo's requests name"
              + " model '"
              + MODEL_ID
              + "'.")
  Path catalog;

  @Option(
      names = "--timeout",
      defaultValue = "PT4M",
      description = "How long to wait for the versions (ISO-8601). Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("lethe-demo-");
    out.println("Lethe demo: data in " + dir);
    Path catalogFile = catalog != null ? catalog : BuiltinCatalog.writeTo(dir.resolve("catalog"));
    out.println("Catalog: " + catalogFile);
    ModelCatalog models = ModelCatalog.load(catalogFile);
    if (epochs != null) {
      models = models.withEntry(MODEL_ID, e -> e.withEpochs(epochs));
    }
    // One request per batch, so each scope gets a version of its own.
    BatchPolicy oneRequestPerBatch =
        new BatchPolicy(1, Duration.ofSeconds(2), Duration.ofMinutes(5));
    try (GracefulShutdown shutdown = GracefulShutdown.install();
        EmbeddedLethe lethe =
            EmbeddedLethe.start(
                dir,
                models,
                oneRequestPerBatch,
                httpPort,
                metricsPort,
                WorkerListener.NONE,
                line -> out.println("  " + line))) {
      out.println(
          "Model registry at "
              + lethe.registryUrl()
              + ", processor metrics at "
              + lethe.metricsUrl());
      out.println(
          "Kafka at " + lethe.bootstrapServers() + " (embedded serialization, default topics)");
      List<DeletionRequest> requests = DemoRequests.valid(MODEL_ID, Instant.now());
      out.println("Sending two bad records: one that is not Avro, one naming an unknown model");
      lethe.sendRaw("demo-garbage", "{not avro}".getBytes(StandardCharsets.UTF_8));
      lethe.send(List.of(DemoRequests.unknownModel(Instant.now())));
      // One request at a time, each applied before the next is sent: the versions come in the
      // same order on every run (samples 2, subject 3, class 4), as the README shows them.
      Map<String, RequestReceipt> outcomes = new LinkedHashMap<>();
      for (DeletionRequest r : requests) {
        out.printf("Sending %-20s %s%n", r.getRequestId(), describe(r));
        lethe.send(List.of(r));
        // The receipts topic is read from its start: only this request's outcome is new.
        RequestReceipt outcome =
            lethe
                .awaitOutcomes(List.of(r.getRequestId()), timeout, (id, receipt) -> {})
                .get(r.getRequestId());
        if (outcome != null) {
          outcomes.put(r.getRequestId(), outcome);
          out.printf(
              "  %s %s -> version %s%n",
              r.getRequestId(), outcome.getStatus(), outcome.getModelVersion());
        }
      }
      printVersions(lethe.registryUrl(), 1 + requests.size());
      printReceipts(outcomes);
      boolean allApplied =
          outcomes.size() == requests.size()
              && outcomes.values().stream().allMatch(r -> r.getStatus() == ReceiptStatus.APPLIED);
      if (!exit) {
        out.println();
        out.println("Registry: " + lethe.registryUrl() + "/  (Ctrl-C to stop)");
        printTryIt(lethe);
        shutdown.await();
      }
      return allApplied ? 0 : 1;
    }
  }

  /** The exact tool lines that work against this running demo. */
  private void printTryIt(EmbeddedLethe lethe) {
    String kafka = " --bootstrap-servers " + lethe.bootstrapServers();
    String registry = " --registry-url " + lethe.registryUrl();
    String processor = " --processor-url " + lethe.processorUrl();
    out.println("Kafka at " + lethe.bootstrapServers() + ". Try, in another terminal:");
    out.println(
        "  ./lethe request"
            + kafka
            + registry
            + " --subject subject-0007 --reason GDPR_ERASURE --wait");
    out.println("  ./lethe status" + registry + " demo-subject-1");
    out.println("  ./lethe dlq" + kafka);
    out.println("  ./lethe lineage" + processor + " subject-0008");
    out.println("  ./lethe pending" + processor);
    out.println(
        "(or export LETHE_BOOTSTRAP_SERVERS="
            + lethe.bootstrapServers()
            + " LETHE_REGISTRY_URL="
            + lethe.registryUrl()
            + " LETHE_PROCESSOR_URL="
            + lethe.processorUrl()
            + " and leave the options out)");
  }

  private static String describe(DeletionRequest r) {
    return switch (r.getScope()) {
      case SAMPLES -> r.getSampleIds().size() + " samples of " + r.getModelIds();
      case SUBJECT -> "every sample of " + r.getSubjectId();
      case CLASS -> "class " + r.getClassLabels() + " of " + r.getModelIds();
      default -> r.getScope().toString();
    };
  }

  /** Fetches the versions from the registry over HTTP, as any client would, and prints them. */
  private void printVersions(String baseUrl, int expected) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    JsonNode items = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(baseUrl + "/api/models/" + MODEL_ID + "/versions?size=50"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      items = json.readTree(response.body()).path("items");
      if (items.size() >= expected) {
        break;
      }
      Thread.sleep(250);
    }
    out.println();
    out.println(
        "Versions of "
            + MODEL_ID
            + " (from GET "
            + baseUrl
            + "/api/models/"
            + MODEL_ID
            + "/versions):");
    out.println(VersionTable.render(items == null ? List.of() : toList(items)));
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    list.sort((a, b) -> Integer.compare(a.path("version").asInt(), b.path("version").asInt()));
    return list;
  }

  private void printReceipts(Map<String, RequestReceipt> outcomes) {
    out.println("Receipts:");
    outcomes.forEach(
        (id, r) ->
            out.printf(
                "  %-20s %-8s version %-3s %s%n",
                id,
                r.getStatus(),
                r.getModelVersion(),
                r.getReason() == null ? "" : r.getReason()));
  }
}
