package io.lethe.launcher;

import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.kafka.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows one request's receipts from the receipts topic's end as it was when the watch began
 * (opened before the request is sent, so no receipt is missed and no history is read), committed
 * records only, without a consumer group.
 */
final class ReceiptWatch implements AutoCloseable {
  /** Final for one model. */
  private static final Set<ReceiptStatus> MODEL_FINAL =
      Set.of(ReceiptStatus.APPLIED, ReceiptStatus.FAILED, ReceiptStatus.NOT_PRESENT);

  /** Final for the whole request: it is not going anywhere. */
  private static final Set<ReceiptStatus> REQUEST_FINAL =
      Set.of(ReceiptStatus.REJECTED, ReceiptStatus.DUPLICATE);

  private final KafkaConsumer<String, RequestReceipt> consumer;

  ReceiptWatch(Map<String, Object> clientConfig, Topic<String, RequestReceipt> receipts) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer =
        new KafkaConsumer<>(
            config, receipts.keySerde().deserializer(), receipts.valueSerde().deserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(receipts.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    // seekToEnd is lazy: resolve the positions now, before the request is sent.
    partitions.forEach(consumer::position);
  }

  /**
   * What the watch saw: the final receipt per model, or the request-wide one; {@code timedOut} when
   * it gave up before the request was final everywhere.
   */
  record Outcome(
      Map<String, RequestReceipt> perModel, RequestReceipt requestWide, boolean timedOut) {
    /** Every model applied it (or never held its data). */
    boolean succeeded() {
      return !timedOut
          && requestWide == null
          && !perModel.isEmpty()
          && perModel.values().stream().noneMatch(r -> r.getStatus() == ReceiptStatus.FAILED);
    }
  }

  /**
   * Waits until the request is rejected or a duplicate, or until every model it was batched for has
   * a final receipt; {@code onReceipt} sees each of its receipts as it arrives.
   */
  Outcome await(String requestId, Duration timeout, Consumer<RequestReceipt> onReceipt) {
    Set<String> batched = new LinkedHashSet<>();
    Map<String, RequestReceipt> finals = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, RequestReceipt> r : consumer.poll(Duration.ofMillis(200))) {
        if (!requestId.equals(r.key())) {
          continue;
        }
        RequestReceipt receipt = r.value();
        onReceipt.accept(receipt);
        ReceiptStatus status = receipt.getStatus();
        String model = receipt.getModelId() == null ? "" : receipt.getModelId();
        if (REQUEST_FINAL.contains(status)) {
          return new Outcome(finals, receipt, false);
        } else if (status == ReceiptStatus.BATCHED) {
          batched.add(model);
        } else if (MODEL_FINAL.contains(status)) {
          finals.put(model, receipt);
        }
      }
      if (!finals.isEmpty() && finals.keySet().containsAll(batched)) {
        return new Outcome(finals, null, false);
      }
    }
    return new Outcome(finals, null, true);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
