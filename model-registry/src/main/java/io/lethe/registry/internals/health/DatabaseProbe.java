package io.lethe.registry.internals.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Runs {@code SELECT 1} (at most {@link #QUERY_TIMEOUT}) every {@link #EVERY} on the probes' own
 * thread and keeps the answer, so {@code /health} never waits on the database: down when the last
 * probe failed, or when no probe has answered for {@link #STALE} (one hanging on a network that
 * drops packets).
 */
final class DatabaseProbe {
  static final Duration EVERY = Duration.ofSeconds(5);
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
  static final Duration STALE = Duration.ofSeconds(15);

  private final DataSource dataSource;
  private final String address;
  private volatile long lastAnswerNanos = System.nanoTime();
  private volatile String lastError;

  DatabaseProbe(DataSource dataSource, String address) {
    this.dataSource = dataSource;
    this.address = address;
  }

  void schedule(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(this::probe, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  void probe() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout((int) QUERY_TIMEOUT.toSeconds());
      s.execute("SELECT 1");
      lastError = null;
      lastAnswerNanos = System.nanoTime();
    } catch (SQLException e) {
      lastError =
          e.getClass().getSimpleName() + (e.getSQLState() == null ? "" : " " + e.getSQLState());
    } catch (RuntimeException e) {
      lastError = e.getClass().getSimpleName();
    }
  }

  Check check() {
    String error = lastError;
    if (error != null) {
      return Check.down("cannot reach the database at " + address + " (" + error + ")");
    }
    long silent = System.nanoTime() - lastAnswerNanos;
    if (silent > STALE.toNanos()) {
      return Check.down(
          "the database at "
              + address
              + " has not answered for "
              + Duration.ofNanos(silent).toSeconds()
              + " s");
    }
    return Check.UP;
  }
}
