package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.Topic;
import io.lethe.kafka.TopicNames;
import io.lethe.kafka.TopicReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer examples of {@code examples/} (docs/producers.md) send a request to an in-JVM
 * broker, and the very decoder the topology uses reads it back. Java always runs; Node and Python
 * run where their tools are installed ({@code node} with {@code npm install} done in {@code
 * examples/node}; Debian's {@code python3-confluent-kafka} and {@code python3-avro}) and are
 * skipped elsewhere.
 */
class ProducerExamplesIntegrationTest {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  private static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static final LetheTopics TOPICS =
      new LetheTopics(TopicNames.DEFAULTS, AvroSerdes.embedded());

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka.createTopics(TOPICS.names, 1);
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void theSchemaFileAndTheDocsHoldLethesExactSchema() throws Exception {
    Schema file = new Schema.Parser().parse(EXAMPLES.resolve("DeletionRequest.avsc").toFile());
    assertEquals(DeletionRequest.getClassSchema(), file);
    String docs = Files.readString(EXAMPLES.resolveSibling("docs").resolve("producers.md"));
    Matcher block =
        Pattern.compile("<!-- schema -->\\s*```json\\n(.*?)```", Pattern.DOTALL).matcher(docs);
    assertTrue(block.find(), "docs/producers.md has no schema block");
    assertEquals(DeletionRequest.getClassSchema(), new Schema.Parser().parse(block.group(1)));
  }

  @Test
  void theJavaExampleSendsARequestLetheDecodes() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("java-example"));
    int compiled =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                EXAMPLES.resolve("java/SendDeletionRequest.java").toString());
    assertEquals(0, compiled, "the Java example does not compile");
    String id;
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      loader
          .loadClass("SendDeletionRequest")
          .getMethod("main", String[].class)
          .invoke(
              null,
              (Object)
                  new String[] {
                    "--bootstrap-servers", kafka.bootstrapServers(),
                    "--id", "java-example-1",
                    "--samples", "3,14",
                    "--model", "mnist-mlp"
                  });
    } finally {
      System.setOut(stdout);
    }
    id = printed.toString(StandardCharsets.UTF_8).strip();
    assertEquals("java-example-1", id);
    ConsumerRecord<String, byte[]> sent = raw(id);
    DeletionRequest read = decode(sent.value());
    assertEquals(DeletionScope.SAMPLES, read.getScope());
    assertEquals(List.of(3L, 14L), read.getSampleIds());
    assertEquals(List.of("mnist-mlp"), read.getModelIds());
    // Control: one byte of the fingerprint changed and the topology's decoder refuses the record.
    byte[] tampered = sent.value().clone();
    tampered[5] ^= 0x01;
    assertThrows(SerializationException.class, () -> decode(tampered));
  }

  @Test
  void theNodeExampleSendsARequestLetheDecodes() throws Exception {
    Path node = EXAMPLES.resolve("node");
    assumeTrue(
        Files.isDirectory(node.resolve("node_modules/kafkajs"))
            && Files.isDirectory(node.resolve("node_modules/avsc"))
            && works("node", "--version"),
        "node, or `npm install` in examples/node, is missing");
    String id =
        run(
            node,
            "node",
            "send-deletion-request.js",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--id",
            "node-example-1",
            "--subject",
            "subject-0042",
            "--reason",
            "GDPR_ERASURE");
    assertEquals("node-example-1", id);
    DeletionRequest read = decode(raw(id).value());
    assertEquals(DeletionScope.SUBJECT, read.getScope());
    assertEquals("subject-0042", read.getSubjectId());
    assertEquals("GDPR_ERASURE", read.getReason().name());
    assertEquals("node example", read.getSource());
  }

  @Test
  void thePythonExampleSendsARequestLetheDecodes() throws Exception {
    assumeTrue(
        works(DEBIAN_PYTHON.toString(), "-c", "import confluent_kafka, avro.io, avro.schema"),
        "Debian's python3-confluent-kafka or python3-avro is not installed");
    String id =
        run(
            EXAMPLES.resolve("python"),
            DEBIAN_PYTHON.toString(),
            "send_deletion_request.py",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--id",
            "python-example-1",
            "--class",
            "7",
            "--model",
            "mnist-mlp");
    assertEquals("python-example-1", id);
    DeletionRequest read = decode(raw(id).value());
    assertEquals(DeletionScope.CLASS, read.getScope());
    assertEquals(List.of(7), read.getClassLabels());
    assertTrue(read.getRequestedAt().toEpochMilli() > 0);
  }

  private static DeletionRequest decode(byte[] value) {
    return TOPICS.deletionRequests.valueSerde().deserializer().deserialize("any", value);
  }

  private static ConsumerRecord<String, byte[]> raw(String key) {
    Topic<String, byte[]> topic =
        new Topic<>(TOPICS.names.deletionRequests(), Serdes.String(), Serdes.ByteArray());
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), topic)) {
      return reader
          .readUntil(rs -> rs.stream().anyMatch(r -> key.equals(r.key())), Duration.ofSeconds(30))
          .stream()
          .filter(r -> key.equals(r.key()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no record keyed " + key));
    }
  }

  private static boolean works(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** Runs an example; its last line of output is the id it sent. */
  private static String run(Path directory, String... command) throws Exception {
    Process p =
        new ProcessBuilder(new ArrayList<>(List.of(command)))
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
    assertEquals(0, p.exitValue(), output);
    List<String> lines = output.strip().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
