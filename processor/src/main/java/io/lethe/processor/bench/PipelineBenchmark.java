package io.lethe.processor.bench;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.models.EngineUnlearner;
import io.lethe.processor.models.ManagedModel;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.DeletionStreamsApp;
import io.lethe.processor.topology.ModelDirectory;
import io.lethe.processor.topology.TopologySettings;
import io.lethe.processor.worker.WorkerListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures the pipeline on the in-JVM broker: (1) the exactly-once topology's throughput against a
 * plain consume→produce copy of the same records in the same run; (2) end-to-end latency from a
 * request to its APPLIED receipt with the real MNIST model on this machine's device.
 */
public final class PipelineBenchmark {

  /** What to run. */
  public record Options(
      int throughputRequests,
      int latencyRequests,
      Duration latencyInterval,
      BatchPolicy latencyBatching,
      String classMethod,
      String sampleMethod,
      int epochs,
      Duration commitInterval) {
    public static Options defaults() {
      return new Options(
          20_000,
          30,
          Duration.ofSeconds(2),
          new BatchPolicy(50, Duration.ofSeconds(2), Duration.ofMinutes(5)),
          "retrain",
          "retrain",
          8,
          Duration.ofMillis(100));
    }
  }

  /** The figures. */
  public record Result(
      int requests,
      double copyPerSecond,
      double topologyPerSecond,
      int latencySamples,
      long p50Millis,
      long p99Millis,
      long maxMillis,
      Duration batchAge) {
    public double ratio() {
      return topologyPerSecond / copyPerSecond;
    }
  }

  private final Options options;
  private final PrintStream out;

  public PipelineBenchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Result run() throws Exception {
    Path dir = Files.createTempDirectory("lethe-bench-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      double copy = plainCopy(kafka);
      double topology = topologyThroughput(kafka, dir);
      long[] latencies =
          options.latencyRequests() > 0 ? endToEndLatencies(kafka, dir) : new long[0];
      Result r =
          new Result(
              options.throughputRequests(),
              copy,
              topology,
              latencies.length,
              percentile(latencies, 0.50),
              percentile(latencies, 0.99),
              latencies.length == 0 ? 0 : latencies[latencies.length - 1],
              options.latencyBatching().maxAge());
      return r;
    }
  }

  // ---- throughput -----------------------------------------------------------------------------

  private double plainCopy(EmbeddedKafka kafka) {
    LetheTopics topics = topics("copy.");
    kafka.createTopics(topics.names, 2);
    preload(kafka, topics);
    out.printf(
        "Plain copy of %,d records (consume -> produce, idempotent, acks=all)...%n",
        options.throughputRequests());
    long started = 0; // from the first record, like the topology's clock: no group join in it
    int copied = 0;
    try (var consumer =
            new KafkaConsumer<>(
                Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-copy",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true,
                    ProducerConfig.LINGER_MS_CONFIG,
                    5),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      consumer.subscribe(List.of(topics.names.deletionRequests()));
      while (copied < options.throughputRequests()) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (started == 0 && !records.isEmpty()) {
          started = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          producer.send(new ProducerRecord<>(topics.names.unlearningBatches(), r.key(), r.value()));
          copied++;
        }
        consumer.commitAsync();
      }
      producer.flush();
    }
    double rate = copied / seconds(started);
    out.printf("  plain copy: %,.0f records/s%n", rate);
    return rate;
  }

  private double topologyThroughput(EmbeddedKafka kafka, Path dir) {
    LetheTopics topics = topics("topology.");
    kafka.createTopics(topics.names, 2);
    preload(kafka, topics);
    ModelDirectory models = id -> Optional.of(new ModelDirectory.ModelInfo(id, 10));
    TopologySettings settings =
        TopologySettings.defaults(models)
            .withDefaultPolicy(new BatchPolicy(500, Duration.ofSeconds(1), Duration.ofMinutes(5)));
    out.printf(
        "Topology (exactly_once_v2) on the same %,d records...%n", options.throughputRequests());
    long started;
    try (var app =
            new DeletionStreamsApp(
                kafka.bootstrapServers(),
                "bench-topology",
                dir.resolve("bench-streams"),
                topics,
                settings,
                Map.of(
                    "commit.interval.ms",
                    options.commitInterval().toMillis(),
                    "num.stream.threads",
                    Integer.getInteger("lethe.bench.threads", 1)));
        var reader = new TopicReader<>(kafka.bootstrapServers(), topics.requestReceipts)) {
      app.start(Duration.ofMinutes(1));
      started = System.nanoTime(); // RUNNING: start-up and restoration are not throughput
      int[] batched = {0};
      int[] seen = {0};
      reader.readUntil(
          records -> {
            for (int i = seen[0]; i < records.size(); i++) {
              if (records.get(i).value().getStatus() == ReceiptStatus.BATCHED) {
                batched[0]++;
              }
            }
            seen[0] = records.size();
            return batched[0] >= options.throughputRequests();
          },
          Duration.ofMinutes(10));
      if (batched[0] < options.throughputRequests()) {
        throw new IllegalStateException("only " + batched[0] + " requests batched in 10 minutes");
      }
    }
    double rate = options.throughputRequests() / seconds(started);
    out.printf(
        "  topology: %,.0f requests/s (every request validated, deduplicated, batched, 2 receipts)%n",
        rate);
    return rate;
  }

  /** Writes the same N valid requests (1 model, random samples) before the clock starts. */
  private void preload(EmbeddedKafka kafka, LetheTopics topics) {
    Random random = new Random(1);
    String topic = topics.names.deletionRequests();
    var serializer = topics.deletionRequests.valueSerde().serializer();
    try (var producer = producer(kafka)) {
      for (int i = 0; i < options.throughputRequests(); i++) {
        DeletionRequest r = request("bench-" + i, "mnist-mlp", random.nextInt(10_000));
        producer.send(
            new ProducerRecord<>(topic, r.getRequestId(), serializer.serialize(topic, r)));
      }
    }
  }

  // ---- latency --------------------------------------------------------------------------------

  private long[] endToEndLatencies(EmbeddedKafka kafka, Path dir) throws Exception {
    LetheTopics topics = topics("latency.");
    kafka.createTopics(topics.names, 2);
    ManagedModel model = ManagedModel.mnistMlp("mnist-mlp");
    model =
        model
            .withTraining(model.training().withEpochs(options.epochs()))
            .withMethods(options.classMethod(), options.sampleMethod());
    EngineUnlearner engine = new EngineUnlearner(List.of(model), VerificationPolicy.defaults());
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger failed =
        new java.util.concurrent.atomic.AtomicInteger();
    out.printf(
        "End to end: %d requests, one every %s, batches close at %d requests or %s; methods %s (class) / %s (samples)%n",
        options.latencyRequests(),
        options.latencyInterval(),
        options.latencyBatching().maxRequests(),
        options.latencyBatching().maxAge(),
        options.classMethod(),
        options.sampleMethod());
    try (LetheProcessor processor =
            new LetheProcessor(
                LetheProcessor.Settings.defaults(
                    kafka.bootstrapServers(),
                    dir.resolve("latency"),
                    TopologySettings.defaults(engine).withDefaultPolicy(options.latencyBatching())),
                topics,
                engine,
                WorkerListener.NONE);
        var producer = producer(kafka);
        var reader = new TopicReader<>(kafka.bootstrapServers(), topics.requestReceipts)) {
      processor.start(Duration.ofMinutes(2), line -> out.println("  " + line));
      Random random = new Random(2);
      String topic = topics.names.deletionRequests();
      var serializer = topics.deletionRequests.valueSerde().serializer();
      Thread watcher =
          new Thread(
              () ->
                  reader.readUntil(
                      records -> {
                        for (ConsumerRecord<String, RequestReceipt> r : records) {
                          ReceiptStatus status = r.value().getStatus();
                          Long t0 =
                              status == ReceiptStatus.APPLIED || status == ReceiptStatus.FAILED
                                  ? sentAt.remove(r.key())
                                  : null;
                          if (t0 != null && status == ReceiptStatus.APPLIED) {
                            latencies.add((System.nanoTime() - t0) / 1_000_000);
                          } else if (t0 != null) {
                            failed.incrementAndGet();
                          }
                        }
                        return latencies.size() + failed.get() >= options.latencyRequests();
                      },
                      Duration.ofMinutes(15)),
              "bench-receipts");
      watcher.start();
      for (int i = 0; i < options.latencyRequests(); i++) {
        DeletionRequest r =
            i % 10 == 9
                ? classRequest("lat-" + i, "mnist-mlp", i % 10)
                : request("lat-" + i, "mnist-mlp", random.nextInt(10_000));
        sentAt.put(r.getRequestId(), System.nanoTime());
        producer.send(
            new ProducerRecord<>(topic, r.getRequestId(), serializer.serialize(topic, r)));
        producer.flush();
        Thread.sleep(options.latencyInterval().toMillis());
      }
      watcher.join(Duration.ofMinutes(15).toMillis());
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    out.printf(
        "  %d of %d requests applied, %d failed verification%n",
        sorted.length, options.latencyRequests(), failed.get());
    return sorted;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static LetheTopics topics(String prefix) {
    return new LetheTopics(TopicNames.DEFAULTS.withPrefix(prefix), AvroSerdes.embedded());
  }

  private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private static DeletionRequest request(String id, String model, long sample) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.SAMPLES)
        .setModelIds(List.of(model))
        .setSampleIds(List.of(sample))
        .setRequestedAt(Instant.now())
        .build();
  }

  private static DeletionRequest classRequest(String id, String model, int label) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.CLASS)
        .setModelIds(List.of(model))
        .setClassLabels(List.of(label))
        .setRequestedAt(Instant.now())
        .build();
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
