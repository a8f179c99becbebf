package io.lethe.launcher;

import io.lethe.kafka.LetheTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe dlq}: the dead-lettered records, and replaying chosen ones after a fix. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = {
      "List the records the topology refused (the dead-letter topic), newest last, each with its"
          + " id (PARTITION:OFFSET), key, headers (lethe.error.stage, .kind, .reason, .origin)"
          + " and value.",
      "--replay ID... sends those records, bytes unchanged, back to the request topic with their"
          + " key and original headers (the lethe.error.* ones dropped, lethe.replayed-from added);"
          + " the topology takes them as new input, so a record still wrong is refused again."
          + " Every id is checked before anything is sent."
    })
final class DlqCommand extends ToolCommand {
  /** Where a replayed record came from: {@code <dead-letter topic>:<partition>:<offset>}. */
  static final String REPLAYED_FROM = "lethe.replayed-from";

  private static final String ERROR_HEADERS = "lethe.error.";
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  @Option(
      names = "--limit",
      defaultValue = "50",
      description =
          "List at most this many of the newest records per partition. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(
      names = "--replay",
      split = ",",
      arity = "1..*",
      paramLabel = "ID",
      description = "Send these records (PARTITION:OFFSET) back to the request topic.")
  List<String> replay = new ArrayList<>();

  @Mixin ToolConnection connection;

  @Override
  int run() throws Exception {
    if (limit < 1 || limit > 100_000) {
      throw new IllegalArgumentException("--limit must be between 1 and 100000");
    }
    List<DeadLetters.Id> ids = replay.stream().map(DeadLetters.Id::parse).toList();
    LetheTopics topics = connection.topics();
    String dlq = topics.names.deadLetter();
    try (DeadLetters letters = new DeadLetters(connection.clientConfig(), dlq)) {
      if (ids.isEmpty()) {
        return list(letters.latest(limit, READ_TIMEOUT), dlq);
      }
      Map<DeadLetters.Id, ConsumerRecord<byte[], byte[]>> chosen = new LinkedHashMap<>();
      for (DeadLetters.Id id : ids) {
        ConsumerRecord<byte[], byte[]> record = letters.at(id, READ_TIMEOUT);
        if (record == null) {
          err().println("lethe: " + dlq + " has no record " + id + "; nothing was replayed");
          return NEGATIVE;
        }
        chosen.put(id, record);
      }
      return replay(chosen, dlq, topics.names.deletionRequests());
    }
  }

  private int list(List<ConsumerRecord<byte[], byte[]>> records, String dlq) {
    if (records.isEmpty()) {
      out().println(dlq + " is empty: no record was refused.");
      return 0;
    }
    for (ConsumerRecord<byte[], byte[]> r : records) {
      out()
          .printf(
              "%d:%d  %s  key %s%n",
              r.partition(),
              r.offset(),
              Instant.ofEpochMilli(r.timestamp()),
              DeadLetters.printable(r.key(), 200));
      for (Header h : r.headers()) {
        out().printf("    %s: %s%n", h.key(), DeadLetters.printable(h.value(), 300));
      }
      out()
          .printf(
              "    value (%d bytes): %s%n",
              r.value() == null ? 0 : r.value().length, DeadLetters.preview(r.value(), 24));
    }
    out()
        .println(
            records.size() + " record(s); replay with `lethe dlq --replay PARTITION:OFFSET ...`");
    return 0;
  }

  private int replay(
      Map<DeadLetters.Id, ConsumerRecord<byte[], byte[]>> chosen, String dlq, String input)
      throws Exception {
    Map<String, Object> config = connection.clientConfig();
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (var entry : chosen.entrySet()) {
        ConsumerRecord<byte[], byte[]> r = entry.getValue();
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
          if (!h.key().startsWith(ERROR_HEADERS) && !h.key().equals(REPLAYED_FROM)) {
            headers.add(h);
          }
        }
        headers.add(REPLAYED_FROM, (dlq + ":" + entry.getKey()).getBytes(StandardCharsets.UTF_8));
        RecordMetadata sent =
            producer.send(new ProducerRecord<>(input, null, r.key(), r.value(), headers)).get();
        out()
            .printf(
                "replayed %s (key %s) to %s partition %d offset %d%n",
                entry.getKey(),
                DeadLetters.printable(r.key(), 200),
                input,
                sent.partition(),
                sent.offset());
      }
    }
    return 0;
  }
}
