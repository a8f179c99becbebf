package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's web page in headless Chromium: the metric-history chart must render one point per
 * (version, metric). Skipped when {@code /usr/bin/chromium} is not installed.
 */
class WebPageIntegrationTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  @TempDir static Path tempDir;
  static RegistryFixture fx;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM), "Chromium not installed (apt-get install chromium)");
    fx = new RegistryFixture(tempDir.resolve("artifacts"), null);
    fx.publish(fx.artifacts.version("web-mnist", 1, VerificationStatus.PASSED, List.of()));
    fx.publish(fx.artifacts.version("web-mnist", 2, VerificationStatus.PASSED, List.of("w1")));
    fx.publish(fx.artifacts.version("web-mnist", 3, VerificationStatus.FAILED, List.of("w2")));
    fx.publish(fx.artifacts.version("web-mnist", 4, VerificationStatus.PASSED, List.of("w2")));
    fx.publish(
        RequestReceipt.newBuilder()
            .setRequestId("w2")
            .setStatus(ReceiptStatus.APPLIED)
            .setModelId("web-mnist")
            .setModelVersion(4)
            .setAt(Instant.parse("2026-01-01T05:00:00Z"))
            .build());
    fx.awaitVersion("web-mnist", 4);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static String chromium(String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(tempDir, "chromium-profile");
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=15000"));
    command.addAll(List.of(args));
    Path out = tempDir.resolve("chromium-" + System.nanoTime() + ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("Chromium did not finish in 90 s");
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  @Test
  void theMetricHistoryChartRendersOnePointPerVersionAndMetric() throws Exception {
    String dom = chromium("--dump-dom", fx.app.baseUrl() + "/#model=web-mnist&request=w2");
    // Version 1 has retain and test accuracy only; versions 2-4 have all four metrics.
    Matcher chart = Pattern.compile("<svg id=\"chart\"[^>]*data-points=\"(\\d+)\"").matcher(dom);
    assertTrue(chart.find(), "chart element in the DOM:\n" + dom);
    assertEquals(14, Integer.parseInt(chart.group(1)), dom);
    assertEquals(14, count(dom, "<circle class=\"point\""));
    assertEquals(4, count(dom, "<polyline class=\"series\""));
    assertEquals(4, count(dom, "<tr data-version="), "one table row per version");
    assertTrue(dom.contains("data-model=\"web-mnist\""), "the model list is filled");
    assertTrue(dom.contains("class=\"FAILED\""), "the FAILED version is marked");
    assertEquals(4, count(dom, "data-status=\"FAILED\""), "its 4 points are marked too");
    assertEquals(1, count(dom, "<tr class=\"receipt\" data-status=\"APPLIED\""), "receipts");
    assertTrue(
        dom.contains("<p class=\"exclusion\" data-model=\"web-mnist\" data-version=\"4\""), dom);
  }

  @Test
  void screenshotShowsTheRenderedPage() throws Exception {
    Path png = tempDir.resolve("registry.png");
    chromium(
        "--window-size=1200,900", "--screenshot=" + png, fx.app.baseUrl() + "/#model=web-mnist");
    assertTrue(Files.exists(png), "screenshot written");
    byte[] bytes = Files.readAllBytes(png);
    assertEquals((byte) 0x89, bytes[0]);
    assertEquals('P', bytes[1]);
    assertTrue(bytes.length > 10_000, "a non-blank page: " + bytes.length + " bytes");
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      // Kept for a human (or CI) to look at.
      Files.copy(png, target.resolve("registry-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
