package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lethe demo --exit} twice on one {@code --data-dir}: both runs succeed, and the second
 * really reuses the first one's broker storage, database and versions (on an older main the second
 * run failed with {@code Invalid cluster.id}).
 */
class DemoTwiceIntegrationTest {
  /** Runs the demo as the command line does; returns its exit status and what it printed. */
  private static Run demo(Path dir) {
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      int status =
          LetheCli.commandLine()
              .execute(
                  "demo",
                  "--exit",
                  "--data-dir",
                  dir.toString(),
                  "--epochs",
                  "1",
                  "--http-port",
                  "0",
                  "--metrics-port",
                  "0");
      return new Run(status, printed.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  private record Run(int status, String output) {}

  @Test
  void theDemoRunsTwiceOnTheSameDataDir(@TempDir Path dir) throws Exception {
    Run first = demo(dir);
    assertEquals(0, first.status(), first.output());
    Path clusterId = dir.resolve("kafka").resolve("lethe-cluster.id");
    String id = Files.readString(clusterId);
    // Control: the first run trained the model (so a second run that trained again would show).
    assertTrue(first.output().contains("epoch 1/1"), first.output());

    Run second = demo(dir);
    assertEquals(0, second.status(), second.output());
    assertEquals(id, Files.readString(clusterId), "the broker's storage was reused");
    assertFalse(second.output().contains("epoch 1/1"), "trained again: " + second.output());
    for (String request : new String[] {"demo-samples-1", "demo-subject-1", "demo-class-7"}) {
      assertTrue(second.output().contains(request), second.output());
    }
  }
}
