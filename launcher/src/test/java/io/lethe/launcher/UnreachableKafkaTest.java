package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * {@code lethe processor} against an address where no broker listens: one line on stderr naming the
 * address, a non-zero exit, within seconds of the catalog being loaded (on main: a minute of client
 * retries, then a stack trace).
 */
class UnreachableKafkaTest {
  @Test
  void theProcessorCommandSaysWhichAddressItCannotReachAndExits(@TempDir Path dir)
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    StringWriter err = new StringWriter();
    CommandLine cli = LetheCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    long started = System.nanoTime();
    int exit =
        cli.execute(
            "processor",
            "--bootstrap-servers",
            address,
            "--catalog",
            "builtin:examples",
            "--data-dir",
            dir.toString(),
            "--metrics-port",
            "0");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertEquals(LetheCli.UNREACHABLE_EXIT, exit, err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().contains("cannot reach Kafka at " + address), err.toString());
    assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "took " + took);
  }
}
