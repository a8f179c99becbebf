package io.lethe.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the cluster for its nodes every few seconds on a thread of its own, so a service's {@code
 * /health} (the processor's and the registry's) can say promptly that Kafka is out of reach: the
 * clients themselves retry quietly (a stream thread stays RUNNING and a consumer's poll returns
 * empty while the broker is away).
 */
public final class KafkaReachability implements AutoCloseable {
  static final Duration EVERY = Duration.ofSeconds(5);

  /** Down once no answer came for this long (the health check answers within 30 s). */
  static final Duration STALE = Duration.ofSeconds(20);

  private final Duration stale;
  private final Duration every;
  private final String bootstrapServers;
  private final Admin admin;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lethe-kafka-probe");
            t.setDaemon(true);
            return t;
          });
  private volatile long lastAnswerNanos = System.nanoTime();
  private volatile String lastError = "no answer yet";

  /** Starts probing {@code bootstrapServers} with the service's Kafka client settings. */
  public KafkaReachability(String bootstrapServers, Map<String, Object> clientConfig) {
    this(bootstrapServers, clientConfig, EVERY, STALE);
  }

  KafkaReachability(
      String bootstrapServers, Map<String, Object> clientConfig, Duration every, Duration stale) {
    this.bootstrapServers = bootstrapServers;
    this.stale = stale;
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) every.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) every.toMillis());
    this.every = every;
    this.admin = Admin.create(config);
    timer.scheduleWithFixedDelay(this::probe, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe() {
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) every.toMillis()))
          .nodes()
          .get(every.toMillis() + 1000, TimeUnit.MILLISECONDS);
      lastAnswerNanos = System.nanoTime();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      lastError = cause.getClass().getSimpleName();
    }
  }

  /** Why Kafka counts as out of reach (no answer for 20 s), naming the address; empty while up. */
  public Optional<String> problem() {
    long silent = System.nanoTime() - lastAnswerNanos;
    if (silent > stale.toNanos()) {
      return Optional.of(
          "cannot reach Kafka at "
              + bootstrapServers
              + " for "
              + Duration.ofNanos(silent).toSeconds()
              + " s ("
              + lastError
              + ")");
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ofSeconds(1));
  }
}
