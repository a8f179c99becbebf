package io.lethe.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates Lethe's topics where they are missing, on the embedded broker or a real cluster. */
public final class TopicAdmin {
  private TopicAdmin() {}

  /**
   * Creates every topic of {@code names} that does not exist yet (existing ones are left as they
   * are); the lineage, models and registration outcomes topics are compacted. Returns once the
   * broker's metadata shows them all.
   */
  public static void ensureTopics(
      String bootstrapServers, TopicNames names, int partitions, short replication) {
    ensureTopics(bootstrapServers, Map.of(), names, partitions, replication);
  }

  /** As above, with extra Kafka client settings (security protocol, SASL, SSL, ...). */
  public static void ensureTopics(
      String bootstrapServers,
      Map<String, ?> clientConfig,
      TopicNames names,
      int partitions,
      short replication) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names.all()) {
      NewTopic topic = new NewTopic(name, partitions, replication);
      // Lineage, the catalog, registration outcomes and calibrations keep the latest record per
      // key for ever.
      if (name.equals(names.trainingLineage())
          || name.equals(names.models())
          || name.equals(names.registrationOutcomes())
          || name.equals(names.calibrations())) {
        topic.configs(
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      }
      topics.add(topic);
    }
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.put("bootstrap.servers", bootstrapServers);
    try (Admin admin = Admin.create(config)) {
      requireReachable(admin, bootstrapServers);
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
          }
        }
      }
      awaitMetadata(admin, names.all());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * Fails with a one-line {@link KafkaUnreachableException} naming {@code bootstrapServers} when
   * the cluster does not answer within {@link #REACH_TIMEOUT}: what the command-line tools check
   * before they read or write anything.
   */
  public static void requireReachable(String bootstrapServers, Map<String, ?> clientConfig) {
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.put("bootstrap.servers", bootstrapServers);
    try (Admin admin = Admin.create(config)) {
      requireReachable(admin, bootstrapServers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reaching Kafka", e);
    }
  }

  /**
   * Asks the cluster for its id, so an unreachable broker is one clear line within seconds rather
   * than a minute of client retries and a stack trace.
   */
  static void requireReachable(Admin admin, String bootstrapServers) throws InterruptedException {
    try {
      admin
          .describeCluster(
              new org.apache.kafka.clients.admin.DescribeClusterOptions()
                  .timeoutMs((int) REACH_TIMEOUT.toMillis()))
          .clusterId()
          .get(REACH_TIMEOUT.toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new KafkaUnreachableException(
          "cannot reach Kafka at "
              + bootstrapServers
              + " within "
              + REACH_TIMEOUT.toSeconds()
              + " s ("
              + cause.getClass().getSimpleName()
              + ")");
    }
  }

  /** How long {@link #ensureTopics} waits for the cluster to answer at all. */
  public static final java.time.Duration REACH_TIMEOUT = java.time.Duration.ofSeconds(8);

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
}
