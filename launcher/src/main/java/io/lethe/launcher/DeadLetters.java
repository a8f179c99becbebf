package io.lethe.launcher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead-letter topic: its records as they were refused (key and value as bytes, since a
 * refused record may be anything), committed ones only, without a consumer group.
 */
final class DeadLetters implements AutoCloseable {
  /** A record's id on the command line: {@code partition:offset}. */
  record Id(int partition, long offset) {
    static Id parse(String text) {
      int colon = text.indexOf(':');
      try {
        if (colon > 0) {
          return new Id(
              Integer.parseInt(text.substring(0, colon)),
              Long.parseLong(text.substring(colon + 1)));
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "'" + text + "' is not a dead letter id: write PARTITION:OFFSET, as `lethe dlq` lists");
    }

    @Override
    public String toString() {
      return partition + ":" + offset;
    }
  }

  private final String topic;
  private final KafkaConsumer<byte[], byte[]> consumer;

  DeadLetters(Map<String, Object> clientConfig, String topic) {
    this.topic = topic;
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private List<TopicPartition> partitions() {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .toList();
  }

  /**
   * The last {@code limit} records of each partition, oldest first; only that many are read, so a
   * long dead-letter topic costs no more than a short one.
   */
  List<ConsumerRecord<byte[], byte[]>> latest(int limit, Duration timeout) {
    List<TopicPartition> partitions = partitions();
    consumer.assign(partitions);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    // Transaction markers take offsets too (the topology writes under exactly-once), up to one
    // per record: start twice as far back, then keep the last `limit` records of each partition.
    for (TopicPartition p : partitions) {
      consumer.seek(p, Math.max(begin.get(p), end.get(p) - 2L * limit));
    }
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
        && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          records.add(r);
        }
      }
    }
    Map<Integer, Integer> kept = new HashMap<>();
    List<ConsumerRecord<byte[], byte[]>> latest = new ArrayList<>();
    for (int i = records.size() - 1; i >= 0; i--) {
      ConsumerRecord<byte[], byte[]> r = records.get(i);
      if (kept.merge(r.partition(), 1, Integer::sum) <= limit) {
        latest.add(r);
      }
    }
    records = latest;
    records.sort(
        (a, b) ->
            a.timestamp() != b.timestamp()
                ? Long.compare(a.timestamp(), b.timestamp())
                : a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
    return records;
  }

  /** The record at {@code id}, or null when the topic has none there (or no more). */
  ConsumerRecord<byte[], byte[]> at(Id id, Duration timeout) {
    TopicPartition p = new TopicPartition(topic, id.partition());
    if (!partitions().contains(p)) {
      return null;
    }
    consumer.assign(List.of(p));
    long end = consumer.endOffsets(List.of(p)).get(p);
    if (id.offset() >= end || id.offset() < consumer.beginningOffsets(List.of(p)).get(p)) {
      return null;
    }
    consumer.seek(p, id.offset());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(p) < end && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() == id.offset()) {
          return r;
        }
        if (r.offset() > id.offset()) {
          return null; // a transaction marker or an aborted record was there
        }
      }
    }
    return null;
  }

  /** Bytes as text for a terminal: UTF-8, control characters as \\uXXXX, at most {@code max}. */
  static String printable(byte[] bytes, int max) {
    if (bytes == null) {
      return "null";
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    StringBuilder s = new StringBuilder();
    int i = 0;
    for (; i < text.length() && s.length() < max; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\ufffd') {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return i < text.length() ? s + "…" : s.toString();
  }

  /**
   * A value for a terminal: its text when it is clean UTF-8 (a JSON body sent by mistake), else its
   * first bytes in hex (an Avro record, a framing Lethe does not read).
   */
  static String preview(byte[] bytes, int maxBytes) {
    if (bytes == null) {
      return "null";
    }
    try {
      String text =
          StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      if (text.chars().noneMatch(Character::isISOControl)) {
        return printable(bytes, maxBytes);
      }
    } catch (java.nio.charset.CharacterCodingException binary) {
      // shown in hex below
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, maxBytes); i++) {
      hex.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
    }
    return hex + (bytes.length > maxBytes ? " …" : "");
  }

  @Override
  public void close() {
    consumer.close();
  }
}
