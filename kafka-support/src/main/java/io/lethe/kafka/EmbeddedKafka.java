package io.lethe.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
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
      cluster.format();
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

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates Lethe's topics (idempotent); the lineage topic is compacted. */
  public void createTopics(TopicNames names, int partitions) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names.all()) {
      NewTopic topic = new NewTopic(name, partitions, (short) 1);
      if (name.equals(names.trainingLineage())) {
        topic.configs(
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      }
      topics.add(topic);
    }
    createTopics(topics);
  }

  public void createTopics(List<NewTopic> topics) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
          }
        }
      }
      awaitMetadata(admin, topics.stream().map(NewTopic::name).toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /** Topic creation returns before every broker's metadata cache knows the topic; wait for it. */
  private static void awaitMetadata(Admin admin, List<String> names) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        admin.describeTopics(names).allTopicNames().get();
        if (admin.listTopics().names().get().containsAll(names)) {
          return;
        }
      } catch (ExecutionException e) {
        // UnknownTopicOrPartition until the metadata arrives
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics not visible after 30 s: " + names);
      }
      Thread.sleep(50);
    }
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
