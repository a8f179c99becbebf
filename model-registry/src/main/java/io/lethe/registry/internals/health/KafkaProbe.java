package io.lethe.registry.internals.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the cluster for its nodes every {@link #EVERY}, so {@code /health} can say that Kafka is out
 * of reach: the consumer itself retries quietly (its polls return empty while the broker is away).
 * The same probe as the processor's {@code KafkaReachability}, with the same timings.
 */
final class KafkaProbe implements AutoCloseable {
  static final Duration EVERY = Duration.ofSeconds(5);

  /** Down once no answer came for this long (the health check answers within 30 s). */
  static final Duration STALE = Duration.ofSeconds(20);

  private final String bootstrapServers;
  private final Admin admin;
  private volatile long lastAnswerNanos = System.nanoTime();
  private volatile String lastError = "no answer yet";

  KafkaProbe(String bootstrapServers, Map<String, Object> clientConfig) {
    this.bootstrapServers = bootstrapServers;
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) EVERY.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) EVERY.toMillis());
    config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "lethe-model-registry-probe");
    this.admin = Admin.create(config);
  }

  void schedule(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(this::probe, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe() {
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) EVERY.toMillis()))
          .nodes()
          .get(EVERY.toMillis() + 1000, TimeUnit.MILLISECONDS);
      lastAnswerNanos = System.nanoTime();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      lastError = cause.getClass().getSimpleName();
    }
  }

  Check check() {
    long silent = System.nanoTime() - lastAnswerNanos;
    if (silent > STALE.toNanos()) {
      return Check.down(
          "cannot reach Kafka at "
              + bootstrapServers
              + " for "
              + Duration.ofNanos(silent).toSeconds()
              + " s ("
              + lastError
              + ")");
    }
    return Check.UP;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(1));
  }
}
