package io.lethe.processor.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lethe.processor.Health;
import io.lethe.processor.query.QueryRoutes;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} (the Prometheus text format of a {@link PrometheusMeterRegistry}) and
 * {@code GET /health} (200 {@code UP} or 503 {@code DOWN}) with the JDK's own HTTP server. Port 0
 * takes a free port; {@link #port()} tells which.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  /** The Prometheus text exposition format, the one every Prometheus version scrapes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The processor's default metrics port, as in docker-compose.yml and docs/deployment.md. */
  public static final int DEFAULT_PORT = 9404;

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Listens on 127.0.0.1 at {@code port} (0: a free one), always healthy. */
  public static MetricsServer start(PrometheusMeterRegistry registry, int port) {
    return start(
        registry, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), () -> true);
  }

  /**
   * Listens at {@code address}; {@code /health} answers 200 while {@code healthy} is true, 503
   * otherwise (for example: the streams application is not RUNNING or REBALANCING).
   */
  public static MetricsServer start(
      PrometheusMeterRegistry registry, InetSocketAddress address, BooleanSupplier healthy) {
    Objects.requireNonNull(healthy, "healthy");
    return serve(
        registry, address, () -> healthy.getAsBoolean() ? Health.UP : Health.down("not running"));
  }

  /**
   * Listens at {@code address}; {@code /health} answers 200 {@code UP} while {@code health} is up,
   * else 503 {@code DOWN: <reason>}.
   */
  public static MetricsServer serve(
      PrometheusMeterRegistry registry, InetSocketAddress address, Supplier<Health> health) {
    return serve(registry, address, health, null);
  }

  /**
   * As {@link #serve(PrometheusMeterRegistry, InetSocketAddress, Supplier)}, and the processor's
   * JSON queries of its stores ({@link QueryRoutes}: {@code /api/pending}, {@code
   * /api/lineage/{subjectId}}) when {@code queries} is not null. They share the address, so they
   * are bound exactly like {@code /metrics}.
   */
  public static MetricsServer serve(
      PrometheusMeterRegistry registry,
      InetSocketAddress address,
      Supplier<Health> health,
      QueryRoutes queries) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(health, "health");
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for metrics on " + address, e);
    }
    server.createContext(
        "/metrics", exchange -> respond(exchange, 200, CONTENT_TYPE, registry::scrape));
    server.createContext(
        "/health",
        exchange -> {
          Health h = health.get();
          respond(
              exchange,
              h.up() ? 200 : 503,
              "text/plain; charset=utf-8",
              () -> h.up() ? "UP\n" : "DOWN: " + h.reason() + "\n");
        });
    if (queries != null) {
      server.createContext(QueryRoutes.PREFIX, exchange -> respondJson(exchange, queries));
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lethe-metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    MetricsServer started = new MetricsServer(server, executor);
    log.info("Metrics at http://{}:{}/metrics", address.getHostString(), started.port());
    return started;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * A Prometheus registry for a Lethe service: {@link #stateStoreTags()} installed, so that every
   * Kafka Streams state store's metrics can be exposed.
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(stateStoreTags());
    return registry;
  }

  /**
   * Kafka Streams tags its state-store metrics with a key naming the store's type ({@code
   * rocksdb-state-id}, {@code rocksdb-window-state-id}, ...). Prometheus needs one set of label
   * names per metric, so all but the first store type would be dropped; this filter turns those
   * keys into {@code state_id} plus {@code store_type} ({@code rocksdb}, {@code rocksdb-window},
   * ...). Install it before binding the streams.
   */
  public static MeterFilter stateStoreTags() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith("kafka.stream.state")) {
          return id;
        }
        List<Tag> tags = new ArrayList<>();
        boolean changed = false;
        for (Tag tag : id.getTagsAsIterable()) {
          String key = tag.getKey();
          if (key.endsWith(".state.id")) {
            String type = key.substring(0, key.length() - ".state.id".length());
            tags.add(Tag.of("state.id", tag.getValue()));
            tags.add(Tag.of("store.type", type.replace('.', '-')));
            changed = true;
          } else {
            tags.add(tag);
          }
        }
        return changed ? id.replaceTags(tags) : id;
      }
    };
  }

  /**
   * Binds the JVM and process meters: memory, GC, threads, class loading, CPU, uptime and open file
   * descriptors ({@code jvm_*}, {@code process_*}, {@code system_*}). Close the result to stop
   * listening for GC notifications.
   */
  public static AutoCloseable bindJvmMetrics(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return gc;
  }

  /**
   * How often the Kafka binders look for metrics that Kafka created since they last looked (per
   * topic, per partition, per task): Micrometer's own interval is a minute.
   */
  public static final Duration KAFKA_REFRESH = Duration.ofSeconds(10);

  /**
   * Binds a Kafka Streams application's metrics, its embedded clients' included ({@code
   * kafka_stream_*}, {@code kafka_consumer_*}, {@code kafka_producer_*}, ...). Use a registry from
   * {@link #newRegistry()} (or install {@link #stateStoreTags()}). Metrics that Kafka creates later
   * are picked up within {@link #KAFKA_REFRESH}. Close the result before closing the application.
   */
  public static KafkaStreamsMetrics bindKafkaStreams(MeterRegistry registry, KafkaStreams streams) {
    KafkaStreamsMetrics metrics =
        new KafkaStreamsMetrics(streams, Tags.empty(), refreshing(KAFKA_REFRESH));
    metrics.bindTo(registry);
    return metrics;
  }

  /**
   * Binds a plain consumer's metrics (the worker's), tagged with {@code tags}. Prometheus needs one
   * set of label names per metric: on a registry that also holds a streams application's clients,
   * pass no extra tags ({@code Tags.empty()}); the {@code client_id} tells them apart.
   */
  public static KafkaClientMetrics bindKafkaClient(
      MeterRegistry registry, Consumer<?, ?> consumer, Tags tags) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(consumer, tags, refreshing(KAFKA_REFRESH));
    metrics.bindTo(registry);
    return metrics;
  }

  /**
   * Binds a plain producer's metrics (the worker's transactional one), tagged with {@code tags}.
   */
  public static KafkaClientMetrics bindKafkaClient(
      MeterRegistry registry, Producer<?, ?> producer, Tags tags) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer, tags, refreshing(KAFKA_REFRESH));
    metrics.bindTo(registry);
    return metrics;
  }

  /**
   * The Kafka binders' scheduler, on a daemon thread: it runs their periodic look for new metrics
   * every {@code refresh} instead of every minute. The binder shuts it down when closed.
   */
  static ScheduledExecutorService refreshing(Duration refresh) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "lethe-kafka-metrics");
              t.setDaemon(true);
              return t;
            }) {
          @Override
          public ScheduledFuture<?> scheduleAtFixedRate(
              Runnable command, long initialDelay, long period, TimeUnit unit) {
            long every = Math.min(unit.toMillis(period), refresh.toMillis());
            return super.scheduleAtFixedRate(
                command,
                Math.min(unit.toMillis(initialDelay), every),
                every,
                TimeUnit.MILLISECONDS);
          }
        };
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private interface Body {
    String get();
  }

  /** A GET below {@link QueryRoutes#PREFIX}: any sub-path, answered by the routes in JSON. */
  private static void respondJson(HttpExchange exchange, QueryRoutes queries) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      QueryRoutes.Answer answer;
      try {
        answer = queries.get(exchange.getRequestURI().getPath());
      } catch (RuntimeException e) {
        log.warn("Cannot answer a store query", e);
        answer = new QueryRoutes.Answer(500, "{\"status\":500,\"message\":\"internal error\"}");
      }
      byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      if ("HEAD".equals(method)) {
        exchange.sendResponseHeaders(answer.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, Body body)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes;
      int code = status;
      try {
        bytes = body.get().getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        log.warn("Cannot answer {}", exchange.getRequestURI(), e);
        bytes = ("error: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        code = 500;
        contentType = "text/plain; charset=utf-8";
      }
      exchange.getResponseHeaders().set("Content-Type", contentType);
      if ("HEAD".equals(method)) {
        exchange.sendResponseHeaders(code, -1);
        return;
      }
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
