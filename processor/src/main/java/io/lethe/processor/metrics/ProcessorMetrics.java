package io.lethe.processor.metrics;

import ai.djl.Device;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.engine.model.Devices;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;

/**
 * The processor's metrics, end to end: one Prometheus registry with JVM and process metrics,
 * Lethe's own meters fed by a {@link MetricsBridge}, the unlearning device's memory ({@link
 * DeviceMemory}), the Kafka Streams metrics of the running topology, and the {@code /metrics}
 * endpoint.
 */
public final class ProcessorMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = MetricsServer.newRegistry();
  private final AutoCloseable jvm = MetricsServer.bindJvmMetrics(registry);
  private final LetheMetrics metrics = new LetheMetrics(registry);
  private final MetricsBridge bridge = new MetricsBridge(metrics);
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
   * Binds the processor's Kafka Streams metrics and serves {@code /metrics} on {@code port}, and
   * {@code /health}: UP while the topology is running or rebalancing.
   */
  public ProcessorMetrics serve(LetheProcessor processor, Iterable<String> modelIds, int port) {
    modelIds.forEach(metrics::modelKnown);
    Device device = Devices.pick();
    metrics.deviceMemory(Devices.describe(device), () -> DeviceMemory.usedBytes(device));
    streamsMetrics = MetricsServer.bindKafkaStreams(registry, processor.kafkaStreams());
    server =
        MetricsServer.start(
            registry,
            new InetSocketAddress(port),
            () -> processor.kafkaStreams().state().isRunningOrRebalancing());
    return this;
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
    jvm.close();
    registry.close();
  }
}
