package io.lethe.registry.internals.service;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's own rounds, every {@code interval} on one daemon thread: it applies every model's
 * alias policy (so a policy or version that changed while the registry was down is acted on),
 * refreshes the count of aliases serving erased data, purges the versions whose purge deadline has
 * passed, and publishes alias moves still waiting in the outbox.
 */
public final class ErasureKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ErasureKeeper.class);

  private final AliasService aliases;
  private final PurgeService purge;
  private final AliasEventOutbox events;
  private final io.lethe.registry.internals.db.VersionDao versions;
  private final Duration deadline;
  private final Duration interval;
  private final AtomicLong servingErased = new AtomicLong();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lethe-registry-erasure-keeper");
            t.setDaemon(true);
            return t;
          });

  public ErasureKeeper(
      AliasService aliases,
      PurgeService purge,
      AliasEventOutbox events,
      io.lethe.registry.internals.db.VersionDao versions,
      Duration deadline,
      Duration interval) {
    this.aliases = aliases;
    this.purge = purge;
    this.events = events;
    this.versions = versions;
    this.deadline = deadline;
    this.interval = interval;
  }

  public void start() {
    thread.scheduleWithFixedDelay(
        this::round, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** Aliases serving erased data, as of the last round. */
  public long servingErasedData() {
    return servingErased.get();
  }

  /** One round; public so that a caller (or test) can run one now. */
  public void round() {
    try {
      for (String modelId : versions.modelIds()) {
        aliases.reconcile(modelId);
      }
      int purged = purge.purgeOverdue(deadline);
      if (purged > 0) {
        log.info("Purged {} version(s) whose purge deadline ({}) had passed", purged, deadline);
      }
      servingErased.set(aliases.aliasesServingErasedData());
      // Moves whose publication failed earlier (or were made without Kafka) go out now.
      events.flush();
    } catch (RuntimeException e) {
      // The database may be away; the next round tries again.
      log.warn("Erasure keeper round failed, retrying in {}: {}", interval, e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
