package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lethe registry} against an address where no PostgreSQL listens: one line on stderr naming
 * host:port/database (never the password), a non-zero exit, within 10 s.
 */
class UnreachableDatabaseTest {
  @Test
  void theRegistryCommandSaysWhichDatabaseItCannotReachAndExits(@TempDir Path dir)
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    StringWriter err = new StringWriter();
    CommandLine cli = LetheCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    long started = System.nanoTime();
    int exit =
        cli.execute(
            "registry",
            "-p",
            "lethe.registry.jdbc.url=jdbc:postgresql://127.0.0.1:" + port + "/lethe",
            "-p",
            "lethe.registry.jdbc.password=hunter2",
            "-p",
            "lethe.registry.data-dir=" + dir,
            "-p",
            "lethe.registry.http.port=0");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertEquals(LetheCli.UNREACHABLE_EXIT, exit, err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(
        err.toString().contains("cannot reach the database at 127.0.0.1:" + port + "/lethe"),
        err.toString());
    assertFalse(err.toString().contains("hunter2"), err.toString());
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
  }
}
