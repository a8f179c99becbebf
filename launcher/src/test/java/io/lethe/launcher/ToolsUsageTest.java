package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The tools' errors without a deployment: an address where nothing listens is one line naming it
 * and exit status 3; a request missing what its scope needs is refused before anything is sent.
 */
class ToolsUsageTest {
  record Run(int exit, String out, String err) {}

  private static Run lethe(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = LetheCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static String closedAddress() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  @Test
  void requestToAnUnreachableBrokerNamesItInOneLine() throws Exception {
    String address = closedAddress();
    Run run = lethe("request", "--subject", "s-1", "--bootstrap-servers", address);
    assertEquals(LetheCli.UNREACHABLE_EXIT, run.exit(), run.toString());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains("cannot reach Kafka at " + address), run.err());
    assertEquals("", run.out());
  }

  @Test
  void statusPendingAndLineageNameTheServiceTheyCannotReach() throws Exception {
    String address = "http://" + closedAddress();
    Run status = lethe("status", "req-1", "--registry-url", address);
    assertEquals(LetheCli.UNREACHABLE_EXIT, status.exit(), status.toString());
    assertTrue(status.err().contains("cannot reach the registry at " + address), status.err());
    for (String command : new String[] {"pending", "lineage"}) {
      Run run =
          command.equals("pending")
              ? lethe(command, "--processor-url", address)
              : lethe(command, "s-1", "--processor-url", address);
      assertEquals(LetheCli.UNREACHABLE_EXIT, run.exit(), run.toString());
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().contains("cannot reach the processor at " + address), run.err());
    }
  }

  @Test
  void samplesWithoutAModelAreRefusedBeforeKafkaIsAsked() {
    Run run = lethe("request", "--samples", "1,2", "--bootstrap-servers", "127.0.0.1:1");
    assertEquals(ToolCommand.USAGE, run.exit(), run.toString());
    assertTrue(run.err().contains("--samples needs --model"), run.err());
  }

  @Test
  void anUnknownPropertyIsRefusedWithItsName() {
    Run run = lethe("dlq", "-p", "lethe.processor.kafka.no.such.setting=1");
    assertEquals(ToolCommand.USAGE, run.exit(), run.toString());
    assertTrue(run.err().contains("no.such.setting is not a Kafka setting"), run.err());
  }

  @Test
  void aDeadlineIsAnInstantOrATimeFromNow() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(Instant.parse("2026-01-31T00:00:00Z"), RequestCommand.deadlineFrom("30d", now));
    assertEquals(
        Instant.parse("2026-03-01T12:00:00Z"),
        RequestCommand.deadlineFrom("2026-03-01T12:00:00Z", now));
    Run run = lethe("request", "--subject", "s", "--deadline", "soon");
    assertEquals(ToolCommand.USAGE, run.exit(), run.toString());
    assertTrue(run.err().contains("--deadline 'soon'"), run.err());
  }

  @Test
  void aDeadLetterValueIsShownAsTextWhenItIsTextElseInHex() {
    assertEquals(
        "{not avro}", DeadLetters.preview("{not avro}".getBytes(StandardCharsets.UTF_8), 24));
    byte[] singleObject = {(byte) 0xc3, 0x01, (byte) 0xf6, 0x7b, 0x24, 'd', 'e', 'm', 'o'};
    assertEquals("c3 01 f6 …", DeadLetters.preview(singleObject, 3));
    // Text with a control character is not shown as text: a terminal would act on it.
    assertEquals("61 1b 62", DeadLetters.preview(new byte[] {'a', 0x1b, 'b'}, 24));
  }
}
