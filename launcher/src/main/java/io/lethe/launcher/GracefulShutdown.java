package io.lethe.launcher;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Lets Ctrl-C or SIGTERM close a command's resources in order before the JVM exits. The JVM halts
 * as soon as its shutdown hooks return, so a hook that only wakes the main thread cuts the closing
 * short (open transactions, state stores and the database are left as a kill leaves them). This
 * hook wakes the main thread and then waits, for at most {@link #CLOSE_TIMEOUT}, until the main
 * thread has closed everything.
 *
 * <p>Declare it first in the try-with-resources: resources close in reverse order, so it closes
 * last and releases the hook.
 */
final class GracefulShutdown implements AutoCloseable {
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  /** Registers the hook with the JVM. */
  static GracefulShutdown install() {
    return new GracefulShutdown(Runtime.getRuntime()::addShutdownHook);
  }

  GracefulShutdown(Consumer<Thread> registerHook) {
    registerHook.accept(new Thread(this::onSignal, "lethe-shutdown"));
  }

  private void onSignal() {
    stop.countDown();
    try {
      closed.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Blocks until the JVM is asked to stop. */
  void await() throws InterruptedException {
    stop.await();
  }

  /** Everything declared after this one is closed: the JVM may exit. */
  @Override
  public void close() {
    closed.countDown();
  }
}
