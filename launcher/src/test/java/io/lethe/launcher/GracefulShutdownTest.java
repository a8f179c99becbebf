package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shutdown hook returns (letting the JVM halt) only once the resources are closed; on main it
 * returned at once, and the JVM exited while the processor was still closing.
 */
class GracefulShutdownTest {
  @Test
  void theHookWaitsUntilTheResourcesAreClosed() throws Exception {
    List<Thread> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> order = new ArrayList<>();
    CountDownLatch woken = new CountDownLatch(1);
    Thread main =
        new Thread(
            () -> {
              try (GracefulShutdown shutdown = new GracefulShutdown(hooks::add);
                  AutoCloseable resource = () -> order.add("resource closed")) {
                shutdown.await();
                woken.countDown();
                Thread.sleep(300); // closing takes a while
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    main.start();
    // Wait until the main thread has installed the hook.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hooks.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread hook = hooks.get(0);
    hook.start(); // what the JVM does on SIGTERM
    assertTrue(woken.await(10, TimeUnit.SECONDS), "the signal woke the main thread");
    hook.join(100);
    assertTrue(hook.isAlive(), "control: the hook is still waiting while resources close");
    hook.join(10_000);
    assertFalse(hook.isAlive());
    order.add("hook returned");
    assertTrue(order.equals(List.of("resource closed", "hook returned")), order.toString());
    main.join(10_000);
  }
}
