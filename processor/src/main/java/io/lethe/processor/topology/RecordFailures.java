package io.lethe.processor.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which input record a stream thread was processing when an {@code Error} ended it. The
 * replaced thread reads the same record again; once it has ended {@link #MAX_ATTEMPTS} threads it
 * is set aside to the dead-letter topic instead, so one record cannot stall its partition for good.
 * (Exceptions never get here: Kafka's processing-exception handler dead-letters those at once.)
 */
public final class RecordFailures {
  /** Threads a record may end before it is set aside. */
  static final int MAX_ATTEMPTS = 2;

  private static final int REMEMBERED = 1_000;

  /** One input record's place. */
  record Coordinates(String topic, int partition, long offset) {}

  private final Map<Thread, Coordinates> inFlight = new ConcurrentHashMap<>();

  private final Map<Coordinates, Failure> failures =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Coordinates, Failure> eldest) {
          return size() > REMEMBERED;
        }
      };

  private record Failure(int count, String error) {}

  /** The calling thread starts on the record at {@code at}. */
  void processing(Coordinates at) {
    inFlight.put(Thread.currentThread(), at);
  }

  /** The calling thread is done with its record (or failed with an exception, not an Error). */
  void done() {
    inFlight.remove(Thread.currentThread());
  }

  /**
   * {@code thread} ended with {@code error}: counts a failure of the record it was processing, if
   * any. Called by the uncaught-exception handler, which runs on the failed thread itself.
   */
  public void threadFailed(Thread thread, Throwable error) {
    Coordinates at = inFlight.remove(thread);
    if (at == null) {
      return;
    }
    synchronized (failures) {
      Failure before = failures.get(at);
      failures.put(
          at, new Failure(before == null ? 1 : before.count + 1, error.getClass().getSimpleName()));
    }
  }

  /** Why the record at {@code at} is set aside, or {@code null} while it may still be tried. */
  String givenUp(Coordinates at) {
    synchronized (failures) {
      Failure f = failures.get(at);
      return f == null || f.count < MAX_ATTEMPTS
          ? null
          : "processing this record failed " + f.count + " times (" + f.error + "); set aside";
    }
  }
}
