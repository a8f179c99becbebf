package io.lethe.processor.metrics;

import ai.djl.Device;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.engine.model.Devices;
import io.lethe.processor.query.QueryRoutes;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The processor's metrics, end to end: one Prometheus registry with JVM and process metrics,
 * Lethe's own meters fed by a {@link MetricsBridge}, the unlearning device's memory ({@link
 * DeviceMemory}), the Kafka Streams metrics of the running topology, the worker's own Kafka
 * clients, and the {@code /metrics} endpoint.
 */
public final class ProcessorMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = MetricsServer.newRegistry();
  private final AutoCloseable jvm = MetricsServer.bindJvmMetrics(registry);
  private final LetheMetrics metrics = new LetheMetrics(registry);
  private final List<KafkaClientMetrics> workerClients = new CopyOnWriteArrayList<>();
  private final MetricsBridge bridge = new MetricsBridge(metrics, this::bindWorkerClients);
  private KafkaStreamsMetrics streamsMetrics;
  private MetricsServer server;

  /** What the topology and the worker report to. */
  public MetricsBridge bridge() {
    return bridge;
  }

  public LetheMetrics metrics() {
    return metrics;
  }

  /**
   * Binds the processor's Kafka Streams metrics and serves {@code /metrics} and {@code /health} on
   * {@code port} of the loopback interface only (127.0.0.1): where others must scrape it, say so
   * with {@link #serve(LetheProcessor, Iterable, InetSocketAddress)}.
   */
  public ProcessorMetrics serve(LetheProcessor processor, Iterable<String> modelIds, int port) {
    return serve(
        processor, modelIds, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * Binds the processor's Kafka Streams metrics and serves {@code /metrics} on {@code address}, the
   * store queries ({@code /api/pending}, {@code /api/lineage/{subjectId}}, {@link QueryRoutes}),
   * and {@code /health}: UP while Kafka answers, the topology is running or rebalancing and the
   * worker polls; else 503 with the reason ({@link LetheProcessor#health()}).
   */
  public ProcessorMetrics serve(
      LetheProcessor processor, Iterable<String> modelIds, InetSocketAddress address) {
    modelIds.forEach(metrics::modelKnown);
    Device device = Devices.pick();
    metrics.deviceMemory(Devices.describe(device), () -> DeviceMemory.usedBytes(device));
    streamsMetrics = MetricsServer.bindKafkaStreams(registry, processor.kafkaStreams());
    server =
        MetricsServer.serve(
            registry, address, processor::health, new QueryRoutes(processor.kafkaStreams()));
    return this;
  }

  /**
   * The worker's consumer and transactional producer. No extra tags: the stream threads' clients
   * have meters of the same names, Prometheus wants one label set per name, and {@code client_id}
   * tells them apart.
   */
  private void bindWorkerClients(Consumer<?, ?> consumer, Producer<?, ?> producer) {
    workerClients.add(MetricsServer.bindKafkaClient(registry, consumer, Tags.empty()));
    workerClients.add(MetricsServer.bindKafkaClient(registry, producer, Tags.empty()));
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.close();
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    workerClients.forEach(KafkaClientMetrics::close);
    jvm.close();
    registry.close();
  }
}
