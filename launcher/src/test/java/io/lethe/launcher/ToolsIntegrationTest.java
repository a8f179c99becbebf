package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ReceiptStatus;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.WorkerListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' tools as a user runs them ({@code lethe request|status|lineage|dlq|pending}),
 * against one running Lethe on the in-JVM broker: a real topology, worker, registry and the
 * processor's query endpoint. Batches close on a near deadline only (10 minutes of age, 100
 * requests), so a request without a deadline stays pending for {@code lethe pending} to see.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ToolsIntegrationTest {
  private static final String MODEL = "mnist-mlp";
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  private static EmbeddedLethe lethe;
  private static String appliedId;

  @BeforeAll
  static void start() {
    lethe =
        EmbeddedLethe.start(
            dir,
            BuiltinCatalog.load(dir.resolve("catalog")).withEntry(MODEL, e -> e.withEpochs(2)),
            new BatchPolicy(100, Duration.ofMinutes(10), Duration.ofMinutes(5)),
            0,
            0,
            WorkerListener.NONE,
            line -> {});
  }

  @AfterAll
  static void stop() {
    if (lethe != null) {
      lethe.close();
    }
  }

  record Run(int exit, String out, String err) {}

  private static Run lethe(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            lethe.bootstrapServers(),
            "--registry-url",
            lethe.registryUrl(),
            "--processor-url",
            lethe.processorUrl()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = LetheCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  /** Runs the command until its result satisfies {@code done}, or {@link #WAIT} passes. */
  private static Run until(Predicate<Run> done, String... args) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Run run = lethe(args);
    while (!done.test(run) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      run = lethe(args);
    }
    return run;
  }

  @Test
  @Order(1)
  void pendingWithNoOpenBatchSaysSo() {
    Run run = lethe("pending");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().contains("No open batches"), run.out());
  }

  @Test
  @Order(2)
  void requestWaitFollowsTheRequestToItsVersionAndCertificate() throws Exception {
    Run run =
        lethe(
            "request",
            "--subject",
            "subject-0042",
            "--reason",
            "GDPR_ERASURE",
            "--regulation",
            "GDPR Art. 17",
            "--deadline",
            "1m",
            "--wait",
            "--timeout",
            "4m");
    assertEquals(0, run.exit(), run.toString());
    appliedId = run.out().lines().findFirst().orElseThrow();
    assertTrue(appliedId.startsWith("req-"), run.out());
    assertTrue(run.out().contains("ACCEPTED"), run.out());
    assertTrue(run.out().contains("BATCHED " + MODEL), run.out());
    Matcher applied =
        Pattern.compile(MODEL + ": APPLIED in version (\\d+); certificate: (\\S+)")
            .matcher(run.out());
    assertTrue(applied.find(), run.out());
    assertEquals("2", applied.group(1));
    String certificate = applied.group(2);
    assertEquals(RequestCommand.certificate(lethe.registryUrl(), appliedId, MODEL), certificate);
    // The location printed is the registry's certificate once it has the version.
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + WAIT.toNanos();
    HttpResponse<String> response;
    do {
      Thread.sleep(100);
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(certificate)).build(),
              HttpResponse.BodyHandlers.ofString());
    } while (response.statusCode() != 200 && System.nanoTime() < deadline);
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("\"ERASED\""), response.body());
  }

  @Test
  @Order(3)
  void requestWaitReportsARejection() {
    Run run = lethe("request", "--samples", "1,2", "--model", "no-such-model", "--wait");
    assertEquals(ToolCommand.NEGATIVE, run.exit(), run.toString());
    assertTrue(run.err().contains("REJECTED"), run.err());
    assertTrue(run.err().contains("unknown model 'no-such-model'"), run.err());
  }

  @Test
  @Order(4)
  void statusShowsTheReceiptsAndTheFirstExcludingVersion() throws Exception {
    Run run = until(r -> r.out().contains("first version without its data"), "status", appliedId);
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().contains("first version without its data: 2 (PASSED)"), run.out());
    assertTrue(run.out().contains("APPLIED"), run.out());
    assertTrue(
        run.out().contains(RequestCommand.certificate(lethe.registryUrl(), appliedId, MODEL)));
  }

  @Test
  @Order(5)
  void statusOfAnUnknownIdSaysSo() {
    Run run = lethe("status", "req-never-sent");
    assertEquals(ToolCommand.NEGATIVE, run.exit(), run.toString());
    assertTrue(run.err().contains("knows no request req-never-sent"), run.err());
  }

  @Test
  @Order(6)
  void lineageShowsWhichModelsHoldASubjectsDataAndNotOnceErased() throws Exception {
    Run held = lethe("lineage", "subject-0043");
    assertEquals(0, held.exit(), held.toString());
    // subject-0043 owns 430..439; 433 is a test row, so the model holds nine of them.
    assertTrue(held.out().contains(MODEL + " "), held.out());
    assertTrue(held.out().contains("9 samples: 430,431,432,434"), held.out());
    // Control: subject-0042 was erased above, so its lineage is retired.
    Run erased = until(r -> r.exit() != 0, "lineage", "subject-0042");
    assertEquals(ToolCommand.NEGATIVE, erased.exit(), erased.toString());
    assertTrue(erased.out().contains("no model holds data of this subject"), erased.out());
  }

  @Test
  @Order(7)
  void dlqListsARefusedRecordAndAReplayOfItIsRefusedAgain() throws Exception {
    lethe.sendRaw("tools-garbage", "{not avro}".getBytes(StandardCharsets.UTF_8));
    Run listed = until(r -> r.out().contains("key tools-garbage"), "dlq");
    assertEquals(0, listed.exit(), listed.toString());
    assertTrue(listed.out().contains("lethe.error.kind: MALFORMED"), listed.out());
    assertTrue(listed.out().contains("lethe.error.stage: deserialize"), listed.out());
    String id = idOf(listed.out(), "tools-garbage");
    Run replayed = lethe("dlq", "--replay", id);
    assertEquals(0, replayed.exit(), replayed.toString());
    // Still not Avro: refused again, and the new dead letter says where it was replayed from.
    Run again = until(r -> r.out().contains("lethe.replayed-from"), "dlq");
    assertTrue(
        again.out().contains("lethe.replayed-from: lethe.deletion-requests.dlq:" + id),
        again.out());
    assertEquals(2, count(again.out(), "key tools-garbage"), again.out());
    // The newest record of each partition only: the replayed one, not the first (the offsets of
    // the topology's transaction markers are skipped over, not counted as records).
    Run newest = lethe("dlq", "--limit", "1");
    assertEquals(1, count(newest.out(), "key tools-garbage"), newest.out());
    assertTrue(newest.out().contains("lethe.replayed-from"), newest.out());
    assertEquals(2, receipts("tools-garbage", ReceiptStatus.REJECTED, 2));
  }

  @Test
  @Order(8)
  void aReplayedRecordThatIsRightNowIsAcceptedAndPending() throws Exception {
    // A valid request that an earlier outage dead-lettered (written to the DLQ as the topology
    // writes one): after the fix, a replay feeds it to the topology again.
    DeletionRequest request =
        DeletionRequest.newBuilder()
            .setRequestId("tools-replayed")
            .setScope(DeletionScope.SAMPLES)
            .setModelIds(List.of(MODEL))
            .setSampleIds(List.of(5L, 6L))
            .setRequestedAt(Instant.now())
            .build();
    String input = lethe.topics().deletionRequests.name();
    byte[] value =
        lethe.topics().deletionRequests.valueSerde().serializer().serialize(input, request);
    RecordHeaders headers = new RecordHeaders();
    headers.add("lethe.error.kind", "PROCESSING_FAILED".getBytes(StandardCharsets.UTF_8));
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", lethe.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  lethe.topics().names.deadLetter(), null, "tools-replayed", value, headers))
          .get();
    }
    Run listed = until(r -> r.out().contains("key tools-replayed"), "dlq");
    Run replayed = lethe("dlq", "--replay", idOf(listed.out(), "tools-replayed"));
    assertEquals(0, replayed.exit(), replayed.toString());
    Run pending = until(r -> r.out().contains("tools-replayed"), "pending");
    assertEquals(0, pending.exit(), pending.toString());
    assertTrue(pending.out().matches("(?s).*" + MODEL + "\\s+1\\s.*"), pending.out());
    assertTrue(pending.out().contains("tools-replayed"), pending.out());
    assertEquals(1, receipts("tools-replayed", ReceiptStatus.ACCEPTED, 1));
  }

  @Test
  @Order(9)
  void replayOfAnIdTheTopicDoesNotHaveSendsNothing() {
    Run run = lethe("dlq", "--replay", "0:999999");
    assertEquals(ToolCommand.NEGATIVE, run.exit(), run.toString());
    assertTrue(run.err().contains("has no record 0:999999"), run.err());
  }

  @Test
  @Order(20)
  void modelsCalibrateAsksTheProcessorAndPrintsItsReport() {
    // The shipped catalog pins both scopes: the processor answers at once, searching nothing.
    Run pinned = models("calibrate", MODEL, "--wait", "2m");
    assertEquals(0, pinned.exit(), pinned.toString());
    assertTrue(pinned.out().contains(MODEL + ": PINNED"), pinned.out());
    assertEquals(2, count(pinned.out(), "(pinned by the catalog)"), pinned.out());
    Run unknown = models("calibrate", "no-such-model", "--wait", "2m");
    assertEquals(1, unknown.exit(), unknown.toString());
    assertTrue(unknown.out().contains("no model 'no-such-model' is served"), unknown.out());
    Run badBudget = models("calibrate", MODEL, "--budget", "1");
    assertEquals(2, badBudget.exit(), badBudget.toString());
  }

  /** {@code lethe models ...}: a Kafka client only (no registry or processor URL). */
  private static Run models(String... args) {
    List<String> all = new ArrayList<>(List.of("models"));
    all.addAll(List.of(args));
    all.addAll(List.of("--bootstrap-servers", lethe.bootstrapServers()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = LetheCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  private static String idOf(String dlqOutput, String key) {
    Matcher m = Pattern.compile("(?m)^(\\d+:\\d+)\\s.*key " + key + "$").matcher(dlqOutput);
    assertTrue(m.find(), dlqOutput);
    return m.group(1);
  }

  private static long count(String text, String part) {
    return text.lines().filter(l -> l.contains(part)).count();
  }

  /** How many such receipts the request has, once it has {@code expected} (or 30 s passed). */
  private static long receipts(String requestId, ReceiptStatus status, int expected) {
    try (var reader =
        new io.lethe.kafka.TopicReader<>(
            lethe.bootstrapServers(), lethe.topics().requestReceipts)) {
      return reader
          .readUntil(
              rs ->
                  rs.stream()
                          .filter(r -> r.key().equals(requestId) && r.value().getStatus() == status)
                          .count()
                      >= expected,
              Duration.ofSeconds(30))
          .stream()
          .filter(r -> r.key().equals(requestId) && r.value().getStatus() == status)
          .count();
    }
  }
}
