package io.lethe.bench.pipeline;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.Topic;
import io.lethe.kafka.TopicNames;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.ProcessorAssembly;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.DeletionStreamsApp;
import io.lethe.processor.topology.ModelDirectory;
import io.lethe.processor.topology.TopologyEvents;
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
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Measures the pipeline on the in-JVM broker: (1) the exactly-once topology's throughput against a
 * plain consume→produce copy of the same records in the same run, with two Kafka Streams copies
 * between them (no work; one and {@link #TOPOLOGY_OUTPUTS} outputs per record) that separate the
 * cost of Streams and of the topology's output volume from the cost of its logic; (2) end-to-end
 * latency from a request to its APPLIED receipt with the real MNIST model on this machine's device.
 * docs/bench/pipeline.md describes the method.
 */
public final class PipelineBenchmark {

  /** What to run. */
  public record Options(
      int throughputRequests,
      int rounds,
      int latencyRequests,
      Duration latencyInterval,
      BatchPolicy latencyBatching,
      String classMethod,
      String sampleMethod,
      int epochs,
      Duration commitInterval) {
    public static Options defaults() {
      return new Options(
          100_000,
          3,
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
      int rounds,
      double copyPerSecond,
      double streamsCopyPerSecond,
      double fanOutPerSecond,
      double topologyPerSecond,
      int latencySamples,
      long p50Millis,
      long p99Millis,
      long maxMillis,
      Duration batchAge) {
    public double ratio() {
      return topologyPerSecond / copyPerSecond;
    }

    /** What Kafka Streams with exactly-once costs before the topology does any work. */
    public double streamsCopyRatio() {
      return streamsCopyPerSecond / copyPerSecond;
    }

    /** The most any topology writing as many records per request as this one could reach. */
    public double fanOutRatio() {
      return fanOutPerSecond / copyPerSecond;
    }
  }

  /**
   * Records the deletion topology writes per valid request, not counting the batch itself: the
   * ACCEPTED receipt, the repartition record, the deduplication store's changelog record, the
   * BATCHED receipt.
   */
  static final int TOPOLOGY_OUTPUTS = 4;

  /** Requests applied before the latency run's measured ones (not measured). */
  static final int LATENCY_WARM_UP = 3;

  private final Options options;
  private final PrintStream out;

  public PipelineBenchmark(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Result run() throws Exception {
    Path dir = Files.createTempDirectory("lethe-bench-");
    int n = options.throughputRequests();
    double[] copy = new double[options.rounds()];
    double[] streamsCopy = new double[options.rounds()];
    double[] fanOut = new double[options.rounds()];
    double[] topology = new double[options.rounds()];
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      // The JIT compiles the client, Streams, RocksDB and Avro paths during the first seconds; a
      // short warm-up of each contender keeps compilation out of the measured runs.
      int warmUp = Math.max(1, Math.min(n, 20_000));
      out.printf("Warm-up: %,d records through each contender (not measured)%n", warmUp);
      plainCopy(kafka, "warm-copy.", warmUp);
      streamsCopy(kafka, dir, "warm-scopy.", warmUp, 1);
      streamsCopy(kafka, dir, "warm-fanout.", warmUp, TOPOLOGY_OUTPUTS);
      topologyThroughput(kafka, dir, "warm-topology.", warmUp);
      // Rounds interleave the contenders, so a noisy neighbour slows all of them alike; the
      // medians are reported.
      for (int round = 0; round < options.rounds(); round++) {
        String tag = "r" + round + "-";
        copy[round] = plainCopy(kafka, tag + "copy.", n);
        streamsCopy[round] = streamsCopy(kafka, dir, tag + "scopy.", n, 1);
        fanOut[round] = streamsCopy(kafka, dir, tag + "fanout.", n, TOPOLOGY_OUTPUTS);
        topology[round] = topologyThroughput(kafka, dir, tag + "topology.", n);
        out.printf(
            "Round %d of %d, %,d records: plain copy %,.0f/s, Kafka Streams exactly-once copy %,.0f/s,"
                + " the same writing %d records each %,.0f/s, deletion topology %,.0f requests/s"
                + " (ratio %.2f)%n",
            round + 1,
            options.rounds(),
            n,
            copy[round],
            streamsCopy[round],
            TOPOLOGY_OUTPUTS,
            fanOut[round],
            topology[round],
            topology[round] / copy[round]);
      }
    }
    long[] latencies = new long[0];
    if (options.latencyRequests() > 0) {
      // A broker of its own: the millions of records of the throughput runs stay out of it.
      try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka-latency"))) {
        latencies = endToEndLatencies(kafka, dir);
      }
    }
    return new Result(
        n,
        options.rounds(),
        median(copy),
        median(streamsCopy),
        median(fanOut),
        median(topology),
        latencies.length,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1],
        options.latencyBatching().maxAge());
  }

  // ---- throughput -----------------------------------------------------------------------------

  /** A plain consumer and an idempotent producer copying the records, one thread, no Streams. */
  private double plainCopy(EmbeddedKafka kafka, String prefix, int n) {
    LetheTopics topics = topics(prefix);
    kafka.createTopics(topics.names, 2);
    preload(kafka, topics, n);
    long started = 0; // from the first record, like the topology's clock: no group join in it
    int copied = 0;
    try (var consumer =
            new KafkaConsumer<>(
                Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "bench-" + prefix,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed"),
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
      while (copied < n) {
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
    return copied / seconds(started);
  }

  /**
   * Kafka Streams with exactly-once and no work: the same records through a topology that only
   * writes each record, as bytes, to {@code outputs} topics. With one output it is the cost of
   * Streams and transactions alone; with {@link #TOPOLOGY_OUTPUTS} it is the least any topology
   * that writes as many records per request can cost, whatever its logic.
   */
  private double streamsCopy(EmbeddedKafka kafka, Path dir, String prefix, int n, int outputs) {
    LetheTopics topics = topics(prefix);
    kafka.createTopics(topics.names, 2);
    preload(kafka, topics, n);
    // Topics of the bench's own namespace; which ones does not matter, only that they differ.
    List<String> targets =
        List.of(
                topics.names.unlearningBatches(),
                topics.names.requestReceipts(),
                topics.names.modelVersions(),
                topics.names.deadLetter())
            .subList(0, outputs);
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], byte[]> input =
        builder.stream(
            topics.names.deletionRequests(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
    targets.forEach(t -> input.to(t, Produced.with(Serdes.ByteArray(), Serdes.ByteArray())));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + prefix.replace(".", ""));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(prefix + "streams").toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitInterval().toMillis());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    CountDownLatch running = new CountDownLatch(1);
    long started;
    try (var streams = new KafkaStreams(builder.build(), props);
        var reader =
            new TopicReader<>(
                kafka.bootstrapServers(),
                // One transaction carries all outputs of a record, so the last one is enough.
                new Topic<>(targets.get(outputs - 1), Serdes.ByteArray(), Serdes.ByteArray()))) {
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
              running.countDown();
            }
          });
      streams.start();
      awaitRunning(running);
      started = System.nanoTime();
      int copied = reader.readUntil(r -> r.size() >= n, Duration.ofMinutes(10)).size();
      if (copied < n) {
        throw new IllegalStateException("only " + copied + " records copied in 10 minutes");
      }
      return n / seconds(started);
    }
  }

  /**
   * The deletion topology on N valid requests. The clock stops when the batches holding all N
   * requests are committed (a few hundred small records to read, so watching costs little); the
   * receipts are counted after the clock stopped.
   */
  private double topologyThroughput(EmbeddedKafka kafka, Path dir, String prefix, int n) {
    LetheTopics topics = topics(prefix);
    kafka.createTopics(topics.names, 2);
    preload(kafka, topics, n);
    ModelDirectory models = id -> Optional.of(new ModelDirectory.ModelInfo(id, 10));
    TopologySettings settings =
        TopologySettings.defaults(models)
            .withDefaultPolicy(new BatchPolicy(500, Duration.ofSeconds(1), Duration.ofMinutes(5)));
    double rate;
    try (var app =
            new DeletionStreamsApp(
                kafka.bootstrapServers(),
                "bench-" + prefix.replace(".", ""),
                dir.resolve(prefix + "streams"),
                topics,
                settings,
                Map.of(
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                    options.commitInterval().toMillis(),
                    StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                    Integer.getInteger("lethe.bench.threads", 1)));
        var batches = new TopicReader<>(kafka.bootstrapServers(), topics.unlearningBatches);
        var receipts = new TopicReader<>(kafka.bootstrapServers(), topics.requestReceipts)) {
      app.start(Duration.ofMinutes(1));
      long started = System.nanoTime(); // RUNNING: start-up and restoration are not throughput
      int batched =
          batches
              .readUntil(
                  records ->
                      records.stream().mapToInt(r -> r.value().getRequests().size()).sum() >= n,
                  Duration.ofMinutes(10))
              .stream()
              .mapToInt(r -> r.value().getRequests().size())
              .sum();
      rate = n / seconds(started);
      if (batched < n) {
        throw new IllegalStateException("only " + batched + " requests batched in 10 minutes");
      }
      long receipted =
          receipts.readUntil(r -> r.size() >= 2L * n, Duration.ofMinutes(2)).stream()
              .filter(r -> r.value().getStatus() == ReceiptStatus.BATCHED)
              .count();
      if (receipted != n) {
        throw new IllegalStateException(receipted + " BATCHED receipts for " + n + " requests");
      }
    }
    return rate;
  }

  private static void awaitRunning(CountDownLatch running) {
    try {
      if (!running.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("Kafka Streams not RUNNING after a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Writes the same N valid requests (1 model, random samples) before the clock starts. */
  private void preload(EmbeddedKafka kafka, LetheTopics topics, int n) {
    Random random = new Random(1);
    String topic = topics.names.deletionRequests();
    var serializer = topics.deletionRequests.valueSerde().serializer();
    try (var producer = producer(kafka)) {
      for (int i = 0; i < n; i++) {
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
    ProcessorAssembly assembly =
        new ProcessorAssembly(
            BuiltinCatalog.load(dir.resolve("catalog"))
                .withEntry(
                    BuiltinCatalog.MNIST_MLP,
                    e ->
                        e.withEpochs(options.epochs())
                            .withMethods(
                                MethodChoice.of(options.classMethod()),
                                MethodChoice.of(options.sampleMethod()))));
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    java.util.Set<String> warming = ConcurrentHashMap.newKeySet();
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
            assembly.processor(
                kafka.bootstrapServers(),
                dir.resolve("latency"),
                topics,
                options.latencyBatching(),
                TopologyEvents.NONE,
                WorkerListener.NONE,
                s -> s);
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
                          boolean done =
                              status == ReceiptStatus.APPLIED || status == ReceiptStatus.FAILED;
                          if (done) {
                            warming.remove(r.key());
                          }
                          Long t0 = done ? sentAt.remove(r.key()) : null;
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
      // The first unlearning runs are slower (JIT, PyTorch's first kernels); a few requests,
      // applied
      // before the measured ones start, keep that start-up out of the steady-state figures.
      for (int i = 0; i < LATENCY_WARM_UP; i++) {
        DeletionRequest r = request("warm-" + i, "mnist-mlp", random.nextInt(10_000));
        warming.add(r.getRequestId());
        producer.send(
            new ProducerRecord<>(topic, r.getRequestId(), serializer.serialize(topic, r)));
        producer.flush();
        Thread.sleep(options.latencyInterval().toMillis());
      }
      long warmDeadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!warming.isEmpty() && System.nanoTime() < warmDeadline) {
        Thread.sleep(100);
      }
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
        "  %d of %d requests applied, %d failed verification; latencies (s): %s%n",
        sorted.length,
        options.latencyRequests(),
        failed.get(),
        java.util.Arrays.stream(sorted)
            .mapToObj(ms -> String.format("%.2f", ms / 1000.0))
            .collect(java.util.stream.Collectors.joining(" ")));
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

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
