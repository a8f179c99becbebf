package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A registry pointed at a database that does not answer fails at start within seconds, with one
 * line naming the address and never the password.
 */
class DatabaseUnreachableTest {
  @Test
  void startSaysWhichDatabaseItCannotReach() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RegistryConfig config =
        RegistryConfig.builder()
            .jdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/lethe?user=lethe&password=hunter2")
            .httpPort(0)
            .build();
    long started = System.nanoTime();
    DatabaseUnreachableException e =
        assertThrows(DatabaseUnreachableException.class, () -> ModelRegistryApp.start(config));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
    assertTrue(
        e.getMessage().startsWith("cannot reach the database at 127.0.0.1:" + port + "/lethe"),
        e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
