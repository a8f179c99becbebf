package io.lethe.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic from the beginning, committed records only, without a consumer group: what the demo
 * and the tests use to watch receipts and versions arrive.
 */
public final class TopicReader<K, V> implements AutoCloseable {
  private final KafkaConsumer<K, V> consumer;
  private final List<ConsumerRecord<K, V>> seen = new ArrayList<>();

  public TopicReader(String bootstrapServers, Topic<K, V> topic) {
    this(bootstrapServers, Map.of(), topic);
  }

  /** With extra Kafka client settings (security protocol, SASL, SSL, ...). */
  public TopicReader(String bootstrapServers, Map<String, ?> clientConfig, Topic<K, V> topic) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer =
        new KafkaConsumer<>(
            config, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /**
   * Polls until {@code done} holds for everything read so far, or {@code timeout} passes.
   *
   * @return everything read so far (also when the timeout passed: the caller checks)
   */
  public List<ConsumerRecord<K, V>> readUntil(
      Predicate<List<ConsumerRecord<K, V>>> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(seen) && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  /** Reads whatever is committed now, up to the current end of every partition. */
  public List<ConsumerRecord<K, V>> readToEnd(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    return readUntil(
        records ->
            end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()),
        timeout);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
