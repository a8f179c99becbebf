package io.lethe.processor.metrics;

import io.lethe.processor.LetheProcessor;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The processor's metrics, end to end: one Prometheus registry with JVM and process metrics,
 * Lethe's own meters fed by a {@link MetricsBridge}, the Kafka Streams metrics of the running
 * topology, and the {@code /metrics} endpoint.
 */
public final class ProcessorMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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

  /** Binds the processor's Kafka Streams metrics and serves {@code /metrics} on {@code port}. */
  public ProcessorMetrics serve(LetheProcessor processor, Iterable<String> modelIds, int port) {
    modelIds.forEach(metrics::modelKnown);
    streamsMetrics = MetricsServer.bindKafkaStreams(registry, processor.kafkaStreams());
    server = MetricsServer.start(registry, port);
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
