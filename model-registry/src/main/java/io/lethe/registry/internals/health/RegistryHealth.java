package io.lethe.registry.internals.health;

import io.lethe.kafka.KafkaReachability;
import io.lethe.registry.internals.kafka.RegistryConsumer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

/**
 * The registry's {@code /health}: DOWN, with the reasons, when the database does not answer, Kafka
 * cannot be reached, or the consumer is not making progress (its thread stopped, restarting, or no
 * completed poll for {@link RegistryConsumer#STALL}). The database and Kafka are probed on two
 * threads of their own every 5 s, so a request for {@code /health} never blocks on either.
 */
public final class RegistryHealth implements AutoCloseable {
  private final DatabaseProbe database;
  private final KafkaReachability kafka;
  private final RegistryConsumer consumer;
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "lethe-registry-health");
            t.setDaemon(true);
            return t;
          });

  /**
   * Starts probing; {@code bootstrapServers} and {@code consumer} are null for a registry that runs
   * without Kafka.
   */
  public RegistryHealth(
      DataSource dataSource,
      String databaseAddress,
      String bootstrapServers,
      Map<String, Object> kafkaClientConfig,
      RegistryConsumer consumer) {
    this.database = new DatabaseProbe(dataSource, databaseAddress);
    this.kafka =
        bootstrapServers == null
            ? null
            : new KafkaReachability(bootstrapServers, kafkaClientConfig);
    this.consumer = consumer;
    database.schedule(timer);
  }

  /**
   * {@code status} UP or DOWN, {@code reason} (only when DOWN: every failing part, joined with ";
   * "), and each part: {@code database} UP/DOWN, {@code kafka} UP/DOWN/DISABLED, {@code consumer}
   * RUNNING/RESTARTING/STALLED/STOPPED/DISABLED.
   */
  public Map<String, Object> report() {
    List<String> reasons = new ArrayList<>();
    Check db = database.check();
    Check k = kafka == null ? null : kafka.problem().map(Check::down).orElse(Check.UP);
    Optional<String> consumerProblem = consumer == null ? Optional.empty() : consumer.problem();
    if (!db.up()) {
      reasons.add(db.reason());
    }
    if (k != null && !k.up()) {
      reasons.add(k.reason());
    }
    consumerProblem.ifPresent(reasons::add);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("status", reasons.isEmpty() ? "UP" : "DOWN");
    if (!reasons.isEmpty()) {
      status.put("reason", String.join("; ", reasons));
    }
    status.put("database", db.up() ? "UP" : "DOWN");
    status.put("kafka", k == null ? "DISABLED" : k.up() ? "UP" : "DOWN");
    status.put("consumer", consumer == null ? "DISABLED" : consumer.state());
    return status;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (kafka != null) {
      kafka.close();
    }
  }
}
