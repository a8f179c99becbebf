package io.lethe.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promtool} (Debian's {@code prometheus} package) checks the configuration and the alert
 * rules, and runs the rules' unit tests. Skipped where promtool is not installed.
 */
class PromtoolTest {
  private static Path promtool;
  private static final Path PROMETHEUS =
      MonitoringContract.findRepositoryRoot().resolve("monitoring").resolve("prometheus");

  @BeforeAll
  static void findPromtool() {
    Optional<Path> found = onPath("promtool");
    assumeTrue(found.isPresent(), "promtool is not on the PATH (apt-get install prometheus)");
    promtool = found.get();
  }

  @Test
  void configurationIsValid() throws Exception {
    Result r = promtool("check", "config", PROMETHEUS.resolve("prometheus.yml").toString());
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void alertRulesAreValid() throws Exception {
    Result r = promtool("check", "rules", PROMETHEUS.resolve("alerts.yml").toString());
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void alertRulesPassTheirUnitTests() throws Exception {
    Result r =
        promtool(
            "test", "rules", PROMETHEUS.resolve("tests").resolve("alerts_test.yml").toString());
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void promtoolRejectsABrokenRule(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.yml");
    Files.writeString(
        broken,
        "groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: sum(rate(x[5m])\n");
    assertNotEquals(0, promtool("check", "rules", broken.toString()).exit());
  }

  private record Result(int exit, String output) {}

  private static Result promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(promtool.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("promtool did not finish: " + command);
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
