package io.lethe.processor.metrics;

import io.lethe.processor.topology.RejectionKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lethe's own processor meters, on one {@link MeterRegistry}. The topology and the worker call
 * these methods; the names come out the Prometheus way (see {@code docs/monitoring.md}):
 *
 * <ul>
 *   <li>{@code lethe_requests_received_total}, {@code lethe_requests_duplicate_total}, {@code
 *       lethe_requests_rejected_total{reason}} (the reason label is the {@link RejectionKind})
 *   <li>{@code lethe_pending_requests{model}}, {@code
 *       lethe_oldest_pending_request_age_seconds{model}}, {@code
 *       lethe_pending_deadline_remaining_seconds{model}}, {@code lethe_deadline_breaches_total}
 *   <li>{@code lethe_batch_size{model}} (summary), {@code lethe_batches_closed_total{model,reason}}
 *   <li>{@code lethe_unlearning_duration_seconds{method,device}} (histogram)
 *   <li>{@code lethe_verification_outcomes_total{model,status}}, {@code
 *       lethe_model_{forget,retain,test}_accuracy{model}}, {@code lethe_model_mia_score{model}}
 *   <li>{@code lethe_model_versions_published_total{model}}, {@code
 *       lethe_device_memory_used_bytes{device}}
 * </ul>
 *
 * <p>Labels are bounded: a model id (the set of deployed models), a method, a device, and small
 * fixed vocabularies. Request and subject ids are never labels. Thread-safe.
 */
public final class LetheMetrics {
  static final String REQUESTS_RECEIVED = "lethe.requests.received";
  static final String REQUESTS_DUPLICATE = "lethe.requests.duplicate";
  static final String REQUESTS_REJECTED = "lethe.requests.rejected";
  static final String PENDING_REQUESTS = "lethe.pending.requests";
  static final String OLDEST_PENDING_AGE = "lethe.oldest.pending.request.age";
  static final String DEADLINE_REMAINING = "lethe.pending.deadline.remaining";
  static final String DEADLINE_BREACHES = "lethe.deadline.breaches";
  static final String BATCH_SIZE = "lethe.batch.size";
  static final String BATCHES_CLOSED = "lethe.batches.closed";
  static final String UNLEARNING_DURATION = "lethe.unlearning.duration";
  static final String VERIFICATION_OUTCOMES = "lethe.verification.outcomes";
  static final String FORGET_ACCURACY = "lethe.model.forget.accuracy";
  static final String RETAIN_ACCURACY = "lethe.model.retain.accuracy";
  static final String TEST_ACCURACY = "lethe.model.test.accuracy";
  static final String MIA_SCORE = "lethe.model.mia.score";
  static final String VERSIONS_PUBLISHED = "lethe.model.versions.published";
  static final String DEVICE_MEMORY_USED = "lethe.device.memory.used";

  /** The values of {@code lethe_verification_outcomes_total}'s {@code status} label. */
  static final List<String> VERIFICATION_STATUSES =
      List.of("passed", "failed", "not_verified", "unknown");

  /** The values of {@code lethe_batches_closed_total}'s {@code reason} label. */
  static final List<String> BATCH_CLOSE_REASONS =
      List.of("size", "age", "deadline", "flush", "unknown");

  private static final long NONE = Long.MIN_VALUE;

  private final MeterRegistry registry;
  private final Clock clock;
  private final Counter received;
  private final Counter duplicate;
  private final Map<RejectionKind, Counter> rejected = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Quality> quality = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> deviceMemory = new ConcurrentHashMap<>();

  public LetheMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  /** With the clock that ages the oldest pending request (tests pass a fixed one). */
  public LetheMetrics(MeterRegistry registry, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    received =
        Counter.builder(REQUESTS_RECEIVED)
            .description("Deletion requests read from the input topic, valid or not")
            .register(registry);
    duplicate =
        Counter.builder(REQUESTS_DUPLICATE)
            .description("Deletion requests whose id was already accepted (not applied again)")
            .register(registry);
    // Every kind is there from the start, at 0, so that rate() and the alerts see the first one.
    for (RejectionKind kind : RejectionKind.values()) {
      rejected.put(
          kind,
          Counter.builder(REQUESTS_REJECTED)
              .description("Deletion requests rejected and sent to the dead-letter topic, by kind")
              .tag("reason", kind.label())
              .register(registry));
    }
  }

  /**
   * Registers a model's meters at zero before its first event, so that dashboards list it and
   * {@code increase()} counts its first breach, version or failure. Optional; idempotent.
   */
  public void modelKnown(String modelId) {
    pendingOf(modelId);
    deadlineBreaches(modelId);
    versionsPublished(modelId);
    for (String status : VERIFICATION_STATUSES) {
      verificationCounter(modelId, status);
    }
  }

  public void requestReceived() {
    received.increment();
  }

  public void requestDuplicate() {
    duplicate.increment();
  }

  /** Counts a rejected request under its kind (the {@code reason} label). */
  public void requestRejected(RejectionKind kind) {
    rejected.get(Objects.requireNonNull(kind, "kind")).increment();
  }

  /** A batch was closed for {@code modelId}: its size, and which limit closed it. */
  public void batchClosed(String modelId, int size, String closeReason) {
    String model = model(modelId);
    DistributionSummary.builder(BATCH_SIZE)
        .description("Deletion requests per closed unlearning batch")
        .tag("model", model)
        .register(registry)
        .record(size);
    Counter.builder(BATCHES_CLOSED)
        .description("Unlearning batches closed, by the limit that closed them")
        .tags("model", model, "reason", oneOf(closeReason, BATCH_CLOSE_REASONS))
        .register(registry)
        .increment();
  }

  /**
   * The requests waiting in {@code modelId}'s open batch, and since when the oldest of them waits
   * ({@code null} when none). The age gauge is computed at scrape time.
   */
  public void pendingChanged(String modelId, int pending, Instant oldestPendingSince) {
    pendingChanged(modelId, pending, oldestPendingSince, null);
  }

  /**
   * As {@link #pendingChanged(String, int, Instant)}, with the earliest deadline among the waiting
   * requests ({@code null} when none has one): {@code lethe_pending_deadline_remaining_seconds}
   * counts down to it at scrape time.
   */
  public void pendingChanged(
      String modelId, int pending, Instant oldestPendingSince, Instant earliestDeadline) {
    Pending p = pendingOf(modelId);
    boolean any = pending > 0;
    p.count = Math.max(0, pending);
    p.oldestSinceMillis =
        any && oldestPendingSince != null ? oldestPendingSince.toEpochMilli() : -1;
    p.deadlineMillis = any && earliestDeadline != null ? earliestDeadline.toEpochMilli() : NONE;
  }

  public void deadlineBreached(String modelId) {
    deadlineBreaches(modelId).increment();
  }

  /** The time one unlearning run took, by method (e.g. {@code muso}) and device. */
  public void unlearningDuration(String method, String device, Duration d) {
    Timer.builder(UNLEARNING_DURATION)
        .description("Time to unlearn one batch, verification excluded")
        .tags("method", label(method), "device", label(device))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofHours(2))
        .register(registry)
        .record(d.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The verification verdict of a new version: {@code PASSED}, {@code FAILED}, ... */
  public void verificationOutcome(String modelId, String status) {
    verificationCounter(model(modelId), oneOf(status, VERIFICATION_STATUSES)).increment();
  }

  /** The latest version's verification metrics (accuracies and MIA score in [0, 1]). */
  public void modelQuality(
      String modelId, double forgetAcc, double retainAcc, double testAcc, double mia) {
    Quality q =
        quality.computeIfAbsent(
            model(modelId),
            m -> {
              Quality created = new Quality();
              Tags tags = Tags.of("model", m);
              gauge(
                  FORGET_ACCURACY,
                  "Latest version's accuracy on the forgotten data",
                  tags,
                  created,
                  x -> x.forget);
              gauge(
                  RETAIN_ACCURACY,
                  "Latest version's accuracy on the retained training data",
                  tags,
                  created,
                  x -> x.retain);
              gauge(
                  TEST_ACCURACY,
                  "Latest version's accuracy on the held-out test data",
                  tags,
                  created,
                  x -> x.test);
              gauge(
                  MIA_SCORE,
                  "Latest version's membership-inference score, forget vs unseen (0.5: cannot tell)",
                  tags,
                  created,
                  x -> x.mia);
              return created;
            });
    q.forget = forgetAcc;
    q.retain = retainAcc;
    q.test = testAcc;
    q.mia = mia;
  }

  public void versionPublished(String modelId) {
    versionsPublished(modelId).increment();
  }

  /** Memory in use on a device ({@code cpu}, {@code gpu0}, ...), as last sampled. */
  public void deviceMemoryUsed(String device, long bytes) {
    deviceMemory
        .computeIfAbsent(
            label(device),
            d -> {
              AtomicLong holder = new AtomicLong();
              Gauge.builder(DEVICE_MEMORY_USED, holder, AtomicLong::get)
                  .description("Memory in use on the unlearning device")
                  .baseUnit(BaseUnits.BYTES)
                  .tag("device", d)
                  .register(registry);
              return holder;
            })
        .set(bytes);
  }

  /**
   * Samples a device's memory at scrape time ({@code usedBytes} returns -1 when it cannot tell: the
   * gauge is then NaN). Use this or {@link #deviceMemoryUsed}, not both, for one device.
   */
  public void deviceMemory(String device, LongSupplier usedBytes) {
    Gauge.builder(
            DEVICE_MEMORY_USED,
            usedBytes,
            s -> {
              long v = s.getAsLong();
              return v < 0 ? Double.NaN : v;
            })
        .description("Memory in use on the unlearning device")
        .baseUnit(BaseUnits.BYTES)
        .tag("device", label(device))
        .strongReference(true)
        .register(registry);
  }

  private Pending pendingOf(String modelId) {
    return pending.computeIfAbsent(
        model(modelId),
        m -> {
          Pending p = new Pending();
          Tags tags = Tags.of("model", m);
          Gauge.builder(PENDING_REQUESTS, p, x -> x.count)
              .description("Deletion requests waiting in the model's open batch")
              .tags(tags)
              .register(registry);
          Gauge.builder(OLDEST_PENDING_AGE, p, this::oldestAgeSeconds)
              .description("Age of the oldest deletion request waiting in the model's open batch")
              .baseUnit("seconds")
              .tags(tags)
              .register(registry);
          Gauge.builder(DEADLINE_REMAINING, p, this::deadlineRemainingSeconds)
              .description(
                  "Time left until the earliest deadline among the model's waiting requests"
                      + " (negative: passed; NaN: none has a deadline)")
              .baseUnit("seconds")
              .tags(tags)
              .register(registry);
          return p;
        });
  }

  private double deadlineRemainingSeconds(Pending p) {
    long deadline = p.deadlineMillis;
    if (p.count <= 0 || deadline == NONE) {
      return Double.NaN;
    }
    return (deadline - clock.millis()) / 1000.0;
  }

  private double oldestAgeSeconds(Pending p) {
    long since = p.oldestSinceMillis;
    if (p.count <= 0 || since < 0) {
      return 0;
    }
    return Math.max(0, clock.millis() - since) / 1000.0;
  }

  private Counter deadlineBreaches(String modelId) {
    return Counter.builder(DEADLINE_BREACHES)
        .description("Deletion requests not applied by their legal deadline")
        .tag("model", model(modelId))
        .register(registry);
  }

  private Counter versionsPublished(String modelId) {
    return Counter.builder(VERSIONS_PUBLISHED)
        .description("Model versions published after unlearning")
        .tag("model", model(modelId))
        .register(registry);
  }

  private Counter verificationCounter(String model, String status) {
    return Counter.builder(VERIFICATION_OUTCOMES)
        .description("Verification verdicts of new model versions")
        .tags("model", model, "status", status)
        .register(registry);
  }

  private <T> void gauge(
      String name,
      String description,
      Tags tags,
      T state,
      java.util.function.ToDoubleFunction<T> value) {
    Gauge.builder(name, state, value).description(description).tags(tags).register(registry);
  }

  private static String model(String modelId) {
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("model id must not be empty");
    }
    return modelId;
  }

  private static String label(String value) {
    return value == null || value.isBlank() ? "unknown" : value.strip().toLowerCase(Locale.ROOT);
  }

  /** {@code value} lower-cased when it is in the vocabulary, else {@code unknown}. */
  private static String oneOf(String value, List<String> vocabulary) {
    String v = label(value);
    return vocabulary.contains(v) ? v : "unknown";
  }

  private static final class Pending {
    volatile int count;
    volatile long oldestSinceMillis = -1;
    volatile long deadlineMillis = NONE;
  }

  private static final class Quality {
    volatile double forget = Double.NaN;
    volatile double retain = Double.NaN;
    volatile double test = Double.NaN;
    volatile double mia = Double.NaN;
  }
}
