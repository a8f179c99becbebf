package io.lethe.processor.calibration;

import io.lethe.avro.CalibrationReport;
import io.lethe.avro.CalibrationRequest;
import io.lethe.kafka.LetheTopics;
import io.lethe.processor.catalog.CalibrationPolicy;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.LiveCatalog;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.planner.UnlearningPlanner;
import io.lethe.processor.registration.ModelFeed;
import io.lethe.processor.registration.PollingThread;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibration in a running deployment. The latest report per model on {@code lethe.calibrations}
 * (compacted) is where a model's calibrated methods live: every processor reads it to the end
 * before it serves ({@link #catchUp}) and follows it, and uses each report made for the model's
 * current generation. A model that has no report for its generation and calibrates at onboarding
 * gets a request on {@code lethe.calibration-requests} with an id made of its generation, so the
 * requests every processor publishes for it are one request; {@code lethe models calibrate ID}
 * publishes one with its own id. The processors read the requests in one consumer group, so one of
 * them runs each (under the engine lock: batches wait), publishes its report and only then commits
 * the request: a processor that stops in between leaves it to another. A request the latest report
 * already answers is not run again.
 */
public final class CalibrationFeed implements ModelFeed {
  /** The consumer group of every processor of a deployment: each request runs once. */
  public static final String GROUP_ID = "lethe-calibrations";

  /** A calibration may take long; the request consumer must not be thrown out meanwhile. */
  private static final int MAX_POLL_INTERVAL_MS = (int) Duration.ofHours(6).toMillis();

  private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Logger log = LoggerFactory.getLogger(CalibrationFeed.class);

  private final String bootstrapServers;
  private final Map<String, Object> clientConfig;
  private final LetheTopics topics;
  private final LiveCatalog catalog;
  private final UnlearningPlanner planner;
  private final Map<String, CalibrationReport> latest = new ConcurrentHashMap<>();
  private final Set<String> requested = ConcurrentHashMap.newKeySet();
  private KafkaConsumer<String, byte[]> reports;
  private KafkaProducer<String, byte[]> producer;
  private PollingThread reportPoller;
  private PollingThread requestPoller;
  private boolean enginePrepared;

  public CalibrationFeed(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      LetheTopics topics,
      LiveCatalog catalog,
      UnlearningPlanner planner) {
    this.bootstrapServers = bootstrapServers;
    this.clientConfig = Map.copyOf(clientConfig);
    this.topics = topics;
    this.catalog = catalog;
    this.planner = planner;
  }

  /** The request id of the calibration a model's generation gets at onboarding. */
  static String onboardingRequestId(int generation) {
    return "onboarding-g" + generation;
  }

  /** Applies every report up to now, then asks for the calibrations missing at onboarding. */
  @Override
  public synchronized void catchUp(Consumer<String> progress) {
    producer = newProducer();
    reports = reportConsumer();
    Map<TopicPartition, Long> end = reports.endOffsets(reports.assignment());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!end.entrySet().stream().allMatch(e -> reports.position(e.getKey()) >= e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cannot read " + topics.calibrations.name() + " in 60 s");
      }
      reports.poll(PollingThread.POLL).forEach(this::onReport);
    }
    int applied = 0;
    for (CatalogModel model : catalog.snapshot().models()) {
      if (apply(model.id())) {
        applied++;
      }
    }
    if (applied > 0) {
      progress.accept("Using the calibrated methods of " + applied + " model(s)");
    }
    catalog.onPut(this::requestIfMissing);
    catalog.snapshot().ids().forEach(this::requestIfMissing);
  }

  @Override
  public synchronized void start(Consumer<String> progress) {
    reportPoller =
        new PollingThread(
            "lethe-calibrations",
            reports,
            this::onReport,
            e -> log.error("Calibration reports: {}; retrying", e.toString()));
    KafkaConsumer<String, byte[]> requests = requestConsumer();
    requestPoller =
        PollingThread.subscribed(
            "lethe-calibration-requests",
            requests,
            topics.calibrationRequests.name(),
            r -> handle(requests, r),
            log);
  }

  private void onReport(ConsumerRecord<String, byte[]> record) {
    CalibrationReport report;
    try {
      report =
          topics
              .calibrations
              .valueSerde()
              .deserializer()
              .deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      log.warn("Ignored an unreadable calibration report at offset {}", record.offset());
      return;
    }
    if (report == null || !MODEL_ID.matcher(report.getModelId()).matches()) {
      return;
    }
    latest.put(report.getModelId(), report);
    apply(report.getModelId());
  }

  /** Uses the model's latest report if it was made for the model's current generation. */
  private boolean apply(String modelId) {
    CalibrationReport report = latest.get(modelId);
    Optional<Integer> generation = catalog.generation(modelId);
    if (report == null || generation.isEmpty() || report.getGeneration() != generation.get()) {
      return false;
    }
    boolean changed =
        catalog.applyCalibration(
            modelId,
            report.getGeneration(),
            CalibrationReports.choice(report, ForgetScope.CLASS).orElse(null),
            CalibrationReports.choice(report, ForgetScope.SAMPLES).orElse(null));
    if (changed) {
      CatalogModel model = catalog.snapshot().require(modelId);
      log.info(
          "Model {} uses its calibrated methods: class {}, samples {}",
          modelId,
          model.entry().classMethod().method(),
          model.entry().sampleMethod().method());
    }
    return changed;
  }

  /** Asks for the onboarding calibration of the model's current generation if it has none. */
  private void requestIfMissing(String modelId) {
    Optional<CatalogModel> model = catalog.find(modelId);
    Optional<Integer> generation = catalog.generation(modelId);
    if (model.isEmpty() || generation.isEmpty()) {
      return;
    }
    CalibrationPolicy policy = model.get().entry().calibration();
    CalibrationReport report = latest.get(modelId);
    if (!policy.onboarding()
        || !policy.searchesAny()
        || (report != null && report.getGeneration() == generation.get())
        || !requested.add(modelId + "@" + generation.get())) {
      return;
    }
    publishRequest(
        CalibrationRequest.newBuilder()
            .setRequestId(onboardingRequestId(generation.get()))
            .setModelId(modelId)
            .setRequestedAt(Instant.now())
            .build());
    log.info(
        "Asked for the onboarding calibration of {} (generation {})", modelId, generation.get());
  }

  private void publishRequest(CalibrationRequest request) {
    String topic = topics.calibrationRequests.name();
    producer.send(
        new ProducerRecord<>(
            topic,
            request.getModelId(),
            topics.calibrationRequests.valueSerde().serializer().serialize(topic, request)),
        (metadata, e) -> {
          if (e != null) {
            log.error(
                "Could not ask for a calibration of {}: {}", request.getModelId(), e.toString());
          }
        });
  }

  private void handle(KafkaConsumer<String, byte[]> consumer, ConsumerRecord<String, byte[]> r) {
    CalibrationRequest request;
    try {
      request =
          topics.calibrationRequests.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      log.warn("Ignored an unreadable calibration request at offset {}", r.offset());
      PollingThread.commit(consumer, r);
      return;
    }
    if (request == null || !MODEL_ID.matcher(request.getModelId()).matches()) {
      log.warn("Ignored a calibration request without a valid model id at offset {}", r.offset());
      PollingThread.commit(consumer, r);
      return;
    }
    CalibrationReport answer = answer(request);
    if (answer != null) {
      publish(answer);
      latest.put(answer.getModelId(), answer);
    }
    PollingThread.commit(consumer, r);
  }

  /** The report for {@code request}, or null when the latest report already answers it. */
  CalibrationReport answer(CalibrationRequest request) {
    String modelId = request.getModelId();
    String requestId = PollingThread.safe(request.getRequestId());
    Optional<Integer> generation = catalog.generation(modelId);
    if (catalog.find(modelId).isEmpty() || generation.isEmpty()) {
      return CalibrationReports.failed(
          modelId,
          0,
          requestId,
          "no model '" + modelId + "' is served by this deployment",
          latest.get(modelId));
    }
    CalibrationReport last = latest.get(modelId);
    if (last != null
        && last.getGeneration() == generation.get()
        && Objects.equals(last.getRequestId(), requestId)) {
      log.info("Calibration request {} of {} was answered already", requestId, modelId);
      return null;
    }
    Integer budget = request.getBudgetRetrainings();
    if (budget != null && (budget < 2 || budget > CalibrationPolicy.MAX_BUDGET)) {
      return CalibrationReports.failed(
          modelId,
          generation.get(),
          requestId,
          "budget must be between 2 and " + CalibrationPolicy.MAX_BUDGET + " retrainings",
          last);
    }
    if (!enginePrepared) {
      planner.prepareThread();
      enginePrepared = true;
    }
    log.info("Calibrating {} (request {})...", modelId, requestId);
    try {
      UnlearningPlanner.Calibrated done =
          planner.calibrate(
              modelId,
              budget,
              request.getSeed(),
              line -> log.info("Calibration of {}: {}", modelId, line));
      CalibrationReport report =
          CalibrationReports.toAvro(modelId, done.generation(), requestId, done.result(), last);
      log.info(
          "Calibrated {}: {} in {} s, {} retrainings",
          modelId,
          report.getStatus(),
          report.getDurationMillis() / 1000,
          String.format(java.util.Locale.ROOT, "%.1f", report.getRetrainingsUsed()));
      return report;
    } catch (RuntimeException e) {
      log.error("Calibration of {} failed", modelId, e);
      return CalibrationReports.failed(
          modelId, generation.get(), requestId, "calibration failed: " + e.getMessage(), last);
    }
  }

  private void publish(CalibrationReport report) {
    String topic = topics.calibrations.name();
    PollingThread.sendAndWait(
        producer,
        topic,
        report.getModelId(),
        topics.calibrations.valueSerde().serializer().serialize(topic, report),
        "a calibration report");
  }

  private KafkaConsumer<String, byte[]> reportConsumer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topics.calibrations.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private KafkaConsumer<String, byte[]> requestConsumer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, MAX_POLL_INTERVAL_MS);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private KafkaProducer<String, byte[]> newProducer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public synchronized void close() {
    if (requestPoller != null) {
      requestPoller.close();
      requestPoller = null;
    }
    if (reportPoller != null) {
      reportPoller.close();
      reportPoller = null;
    } else if (reports != null) {
      reports.close();
    }
    reports = null;
    if (producer != null) {
      producer.close();
      producer = null;
    }
  }
}
