package io.lethe.kafka;

import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (combined broker + controller) inside this JVM, for the
 * one-command demo and the integration tests. It is Kafka's own test kit, so it speaks the real
 * protocol, transactions included; it is not meant for production.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaClusterTestKit cluster;

  /** Where a broker with a data directory keeps its cluster id, for the next start. */
  static final String CLUSTER_ID_FILE = "lethe-cluster.id";

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Starts a broker with its data under a fresh temporary directory, deleted on close. */
  public static EmbeddedKafka start() {
    return start(null);
  }

  /** Starts a broker keeping its data under {@code baseDir} (or a temporary one when null). */
  public static EmbeddedKafka start(Path baseDir) {
    long started = System.nanoTime();
    try {
      TestKitNodes.Builder nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1);
      if (baseDir != null) {
        nodes.setBaseDirectory(baseDir);
        // The storage is formatted for one cluster id: a second start on the same directory
        // must use that id again (a fresh random one fails with "Invalid cluster.id").
        nodes.setClusterId(clusterIdOf(baseDir));
      }
      KafkaClusterTestKit cluster =
          new KafkaClusterTestKit.Builder(nodes.build())
              // A single broker: internal topics must not wait for replicas that never come.
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "4")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("transaction.state.log.num.partitions", "4")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("num.partitions", "1")
              .setConfigProp("auto.create.topics.enable", "false")
              .setDeleteOnClose(baseDir == null)
              .build();
      if (baseDir == null || !formatted(baseDir)) {
        formatQuietly(cluster); // the formatter refuses storage it formatted before
      }
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(cluster);
      log.info(
          "Embedded Kafka broker ready at {} in {} ms",
          kafka.bootstrapServers(),
          (System.nanoTime() - started) / 1_000_000);
      return kafka;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot start the embedded Kafka broker", e);
    }
  }

  /** Whether a broker's storage under {@code baseDir} was formatted already (a restart). */
  private static boolean formatted(Path baseDir) throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(baseDir)) {
      return false;
    }
    try (var found =
        java.nio.file.Files.find(
            baseDir, 2, (path, attributes) -> path.endsWith("meta.properties"))) {
      return found.findAny().isPresent();
    }
  }

  /** The cluster id kept in {@code baseDir}, chosen and written there on the first start. */
  static String clusterIdOf(Path baseDir) throws java.io.IOException {
    Path file = baseDir.resolve(CLUSTER_ID_FILE);
    if (java.nio.file.Files.isRegularFile(file)) {
      if (java.nio.file.Files.size(file) > 64) {
        throw new IllegalStateException(file + " does not hold a cluster id");
      }
      String id = java.nio.file.Files.readString(file).trim();
      if (!id.matches("[A-Za-z0-9_-]{22}")) {
        throw new IllegalStateException(file + " does not hold a cluster id");
      }
      return id;
    }
    String id = org.apache.kafka.common.Uuid.randomUuid().toString();
    java.nio.file.Files.createDirectories(baseDir);
    java.nio.file.Files.writeString(file, id + "\n");
    return id;
  }

  /** Kafka's storage formatter prints its metadata to standard out; the demo's output is ours. */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    java.io.PrintStream stdout = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      cluster.format();
    } finally {
      System.setOut(stdout);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates Lethe's topics (idempotent); the lineage topic is compacted. */
  public void createTopics(TopicNames names, int partitions) {
    TopicAdmin.ensureTopics(bootstrapServers(), names, partitions, (short) 1);
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      log.warn("Embedded Kafka broker did not close cleanly: {}", e.toString());
    }
  }
}
