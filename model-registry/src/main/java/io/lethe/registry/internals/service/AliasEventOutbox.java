package io.lethe.registry.internals.service;

import io.lethe.avro.AliasEvent;
import io.lethe.registry.internals.db.AliasDao;
import io.lethe.registry.internals.db.AliasMove;
import io.lethe.registry.internals.db.Database;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes alias moves from the alias history, which is their outbox: a move is written in the
 * same transaction as the alias itself, and published here afterwards, oldest first, each marked
 * once the broker acknowledged it. A move whose publication fails stays unpublished and is sent on
 * the next flush (after the next move, or on the keeper's next round): at least once, in order.
 * Without Kafka nothing is marked, so a later run with Kafka still publishes everything.
 */
public final class AliasEventOutbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AliasEventOutbox.class);

  private final Database db;
  private final AliasDao aliases;
  private final AliasEventSink sink;
  private final java.util.concurrent.atomic.AtomicBoolean queued =
      new java.util.concurrent.atomic.AtomicBoolean();
  // Publishing waits on the broker: never on the caller's (HTTP or consumer) thread.
  private final java.util.concurrent.ExecutorService thread =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "lethe-registry-alias-events");
            t.setDaemon(true);
            return t;
          });

  public AliasEventOutbox(Database db, AliasDao aliases, AliasEventSink sink) {
    this.db = db;
    this.aliases = aliases;
    this.sink = sink;
  }

  /** Asks for a flush on the outbox's own thread; requests made while one is queued coalesce. */
  public void flushSoon() {
    if (sink != AliasEventSink.NONE && queued.compareAndSet(false, true)) {
      try {
        thread.execute(
            () -> {
              queued.set(false);
              flush();
            });
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        queued.set(false);
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Publishes every unpublished move; returns how many it published. */
  public synchronized int flush() {
    if (sink == AliasEventSink.NONE) {
      return 0;
    }
    int published = 0;
    try {
      while (db.inTransaction(this::publishNext)) {
        published++;
      }
    } catch (RuntimeException e) {
      log.warn("Alias events not all published; retrying on the next flush: {}", e.toString());
    }
    return published;
  }

  private boolean publishNext() {
    return aliases
        .lockNextUnpublished()
        .map(
            move -> {
              sink.publish(event(move));
              aliases.markPublished(move.id());
              return true;
            })
        .orElse(false);
  }

  static AliasEvent event(AliasMove move) {
    return AliasEvent.newBuilder()
        .setModelId(move.modelId())
        .setAlias(move.alias())
        .setKind(move.kind())
        .setFromVersion(move.fromVersion())
        .setToVersion(move.toVersion())
        .setReason(move.reason())
        .setActor(move.actor() == null ? "" : move.actor())
        .setAt(move.movedAt() == null ? Instant.EPOCH : move.movedAt())
        .build();
  }
}
