package io.lethe.registry;

import static io.lethe.registry.RegistryFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's web page in headless Chromium, on real records: the model page with its
 * erased-data badges and its calibration report, the version page (metrics, per-example evidence,
 * lineage, artifact, certificates), a chart per metric whose points name their forget set, the
 * alias history and the audit view with its filters, and screenshots at 800 px. Skipped when {@code
 * /usr/bin/chromium} is not installed, except under {@code CI=true}, where that fails (.ci/run
 * installs it).
 *
 * <p>Data: web-mnist v1 trained; v2 erases w1; v3 FAILED to erase w2; v4 erases w2 (APPLIED). So v1
 * still holds w1 and w2, v2 and v3 hold w2, and v4 holds nothing: the control for the badge. v4
 * alone carries per-example, drift and re-anchor figures; web-mnist has a calibration report,
 * web-other none.
 */
class WebPageIntegrationTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final String MODEL = "web-mnist";
  @TempDir static Path tempDir;
  static RegistryFixture fx;

  @BeforeAll
  static void start() {
    boolean installed = Files.isExecutable(CHROMIUM);
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertTrue(installed, CHROMIUM + " is missing: CI installs chromium (.ci/run)");
    }
    Assumptions.assumeTrue(installed, "Chromium not installed (apt-get install chromium)");
    fx = new RegistryFixture(tempDir.resolve("artifacts"), null);
    fx.publish(fx.artifacts.version(MODEL, 1, VerificationStatus.PASSED, List.of()));
    fx.publish(fx.artifacts.version(MODEL, 2, VerificationStatus.PASSED, List.of("w1")));
    fx.publish(fx.artifacts.version(MODEL, 3, VerificationStatus.FAILED, List.of("w2")));
    ModelVersion v4 = fx.artifacts.version(MODEL, 4, VerificationStatus.PASSED, List.of("w2"));
    fx.publish(
        ModelVersion.newBuilder(v4)
            .setMetrics(
                VerificationMetrics.newBuilder(v4.getMetrics())
                    .setEvidence("sufficient")
                    .setPerExampleReferenceModels(8)
                    .setPerExampleMeanScore(0.21)
                    .setPerExampleWorstScore(1.93)
                    .setPerExampleFlagged(0.0)
                    .setPerExamplePower(0.9)
                    .setDriftTestDrop(0.004)
                    .setDriftEarlierForgetAccuracy(0.011)
                    .setDriftDivergence(0.0213)
                    .setReanchorReason("test accuracy fell 1.2 points below version 1")
                    .build())
            .build());
    fx.publish(TestCalibrations.report(MODEL, 1, 1));
    fx.publish(fx.artifacts.version("web-other", 1, VerificationStatus.PASSED, List.of()));
    fx.publish(
        RequestReceipt.newBuilder()
            .setRequestId("w2")
            .setStatus(ReceiptStatus.APPLIED)
            .setModelId(MODEL)
            .setModelVersion(4)
            .setAt(Instant.parse("2026-01-01T05:00:00Z"))
            .build());
    fx.awaitVersion(MODEL, 4);
    fx.awaitVersion("web-other", 1);
    RegistryFixture.await("receipt of w2", () -> fx.http.get("/api/requests/w2").status() == 200);
    RegistryFixture.await(
        "the calibration",
        () -> fx.http.get("/api/models/" + MODEL + "/calibration").status() == 200);
    assertEquals(200, admin("PUT", "/aliases/champion", "{\"version\": 4, \"reason\": \"v4\"}"));
    assertEquals(200, admin("PUT", "/tags/task", "{\"value\": \"digits\"}"));
    assertEquals(200, admin("PUT", "/versions/4/tags/reviewed-by", "{\"value\": \"ana\"}"));
  }

  private static int admin(String method, String path, String body) {
    return fx.http.send(method, "/api/models/" + MODEL + path, body, TOKEN).status();
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void theApiSaysWhichVersionsHoldErasedData() {
    JsonNode model = fx.http.get("/api/models/" + MODEL).json();
    assertEquals(List.of(1, 2, 3), ints(model.get("versionsHoldingErasedData")));
    assertEquals("digits", model.get("tags").get("task").asText());
    assertEquals("champion", model.get("aliases").get(0).get("alias").asText());
    Map<Integer, List<String>> held = new LinkedHashMap<>();
    for (JsonNode v : fx.http.get("/api/models/" + MODEL + "/versions").json().get("items")) {
      List<String> requests = new ArrayList<>();
      v.get("heldRequests").forEach(r -> requests.add(r.asText()));
      held.put(v.get("version").asInt(), requests);
    }
    assertEquals(
        Map.of(1, List.of("w1", "w2"), 2, List.of("w2"), 3, List.of("w2"), 4, List.of()), held);
  }

  @Test
  void theModelPageBadgesEveryVersionThatHoldsErasedDataAndNoOther() throws Exception {
    String dom = page("#model=" + MODEL);
    Map<Integer, String> rows = rows(section(dom, "<table id=\"versions\""));
    assertEquals(List.of(4, 3, 2, 1), List.copyOf(rows.keySet()), "newest first:\n" + dom);
    for (int v = 1; v <= 3; v++) {
      assertTrue(
          rows.get(v).contains("class=\"badge erased\""), "v" + v + " badge: " + rows.get(v));
    }
    assertTrue(rows.get(1).contains("erased data ×2"), rows.get(1));
    assertFalse(rows.get(4).contains("badge erased"), "v4 holds nothing: " + rows.get(4));
    assertTrue(rows.get(4).contains("data-alias=\"champion\""), "the alias shows on its version");
    assertTrue(rows.get(4).contains("reviewed-by = ana"), "a version tag with its value");
    assertTrue(rows.get(3).contains("class=\"FAILED\""), "the FAILED version is marked");
    assertTrue(dom.contains("data-tag=\"task\">task = digits<"), "the model's tag with its value");
    assertTrue(dom.contains("data-model=\"web-other\""), "the model list is filled");
  }

  @Test
  void eachMetricHasAChartWhosePointsNameTheirForgetSet() throws Exception {
    String dom = page("#model=" + MODEL);
    String forget = chart(dom, "forgetAccuracy");
    assertEquals(3, count(forget, "<circle class=\"point\""), "v2-v4 forgot something: " + forget);
    for (int v = 2; v <= 4; v++) {
      assertTrue(
          forget.contains(
              "data-version=\"" + v + "\" data-forget-set=\"batch-web-mnist-" + v + "\""),
          "v" + v + "'s point names its batch: " + forget);
      assertTrue(forget.contains(">v" + v + "</text>"), "and is labelled on the chart");
      assertTrue(
          forget.contains("class=\"batch-label\" data-version=\"" + v + "\""), "with its batch");
    }
    assertEquals(0, count(forget, "<line class=\"lineage-segment\""), "unrelated forget sets");
    assertEquals(0, count(forget, "<polyline"), "never one line across forget sets");
    assertEquals(0, count(chart(dom, "mia"), "lineage-segment"), "MIA is per forget set too");
    assertEquals(0, count(chart(dom, "retainAccuracy"), "lineage-segment"));
    String test = chart(dom, "testAccuracy");
    assertEquals(4, count(test, "<circle class=\"point\""), test);
    assertEquals(0, count(test, "batch-label"), "one test set: no batch to name");
    for (String edge : List.of("1\" data-to=\"2", "2\" data-to=\"3", "3\" data-to=\"4")) {
      assertTrue(test.contains("data-from=\"" + edge + "\""), "parent -> child " + edge);
    }
    assertEquals(3, count(test, "<line class=\"lineage-segment\""), "only along the lineage");
    assertEquals(
        2, count(chart(dom, "forgetAccuracy") + chart(dom, "mia"), "data-status=\"FAILED\""));
    assertTrue(dom.contains("<table id=\"forget-sets\""), "the forget sets' key");
  }

  @Test
  void theVersionPageShowsMetricsEvidenceLineageArtifactAndCertificates() throws Exception {
    String dom = page("#model=" + MODEL + "&version=4");
    JsonNode v4 = fx.http.get("/api/models/" + MODEL + "/versions/4").json();
    String chain = section(dom, "<ol class=\"chain\" id=\"parent-chain\"");
    assertEquals(List.of(4, 3, 2, 1), dataVersions(chain), "the parent chain: " + chain);
    assertTrue(dom.contains("<dd id=\"batch\">batch-web-mnist-4</dd>"), dom);
    assertTrue(dom.contains("<tr data-request=\"w2\">"), "the request it applied");
    assertTrue(dom.contains(">" + v4.get("artifact").get("sha256").asText() + "</code>"));
    assertTrue(
        dom.contains("id=\"download\" href=\"/api/models/web-mnist/versions/4/artifact\""), dom);
    assertTrue(
        dom.contains(
            "class=\"certificate\" href=\"/api/requests/w2/certificate?modelId=web-mnist\""),
        "v4 is the first to exclude w2: its certificate");
    assertTrue(dom.contains("<tr data-metric=\"forgetAccuracy\"><td>forget accuracy</td>"), dom);
    assertTrue(dom.contains("Accuracy on this version's forget set."), "with its meaning");
    assertTrue(dom.contains("data-forget-set-size=\"10\""), "the forget set's size: 1 request");
    assertTrue(dom.contains("holds no data of an erased request"), dom);
    assertFalse(section(dom, "<section id=\"version-head\"").contains("badge erased"));
    assertEquals(
        200,
        fx.http.get("/api/requests/w2/certificate?modelId=" + MODEL).status(),
        "the link serves a certificate");

    String evidence = section(dom, "<dl class=\"facts\" id=\"evidence\"");
    assertTrue(
        evidence.contains(
            "id=\"per-example\" data-reference-models=\"8\" data-flagged=\"0\""
                + " data-power=\"0.9\""),
        "the per-example evidence: " + evidence);
    assertTrue(evidence.contains("worst z 1.93"), evidence);
    assertTrue(evidence.contains("90.00 % on the parent (the test's power)"), evidence);
    assertTrue(evidence.contains("data-evidence=\"sufficient\""), evidence);
    assertTrue(evidence.contains("output divergence from version 1 0.0213 bits"), evidence);
    assertTrue(
        evidence.contains(
            "<dd id=\"reanchor\">by exact retraining: test accuracy fell 1.2 points below"
                + " version 1</dd>"),
        "why it was re-anchored: " + evidence);

    String failed = page("#model=" + MODEL + "&version=3");
    // Control: version 3 ran neither the per-example test nor the drift guard.
    String without = section(failed, "<dl class=\"facts\" id=\"evidence\"");
    for (String id : List.of("per-example", "reanchor", "drift", "evidence-basis")) {
      assertFalse(without.contains("id=\"" + id + "\""), id + ": " + without);
    }
    assertFalse(failed.contains("class=\"certificate\""), "a FAILED version has no certificate");
    assertTrue(failed.contains("None: a FAILED version erased nothing."), failed);
    assertTrue(section(failed, "<section id=\"version-head\"").contains("badge erased"));
    assertTrue(failed.contains("forget accuracy too high"), "why it failed");
    assertEquals(List.of(3, 2, 1), dataVersions(section(failed, "id=\"parent-chain\"")));
  }

  @Test
  void theModelPageShowsItsCalibrationReport() throws Exception {
    String calibration = section(page("#model=" + MODEL), "<section id=\"calibration\"");
    assertTrue(calibration.contains("data-status=\"CALIBRATED\""), calibration);
    String choices = section(calibration, "<table id=\"calibration-choices\"");
    assertTrue(
        choices.contains(
            "<tr class=\"choice\" data-scope=\"CLASS\" data-method=\"famr\"><td>CLASS</td>"
                + "<td>famr</td><td>alpha = 0.5, steps = 40</td>"),
        "the choice per scope, with its settings: " + choices);
    assertTrue(choices.contains("<td>lr = 0.001, scale = 0.1</td>"), choices);
    String candidates = section(calibration, "<table id=\"calibration-candidates\"");
    assertEquals(5, count(candidates, "<tr class=\"candidate\""), candidates);
    assertTrue(
        candidates.contains(
            "data-method=\"slug\" data-verdict=\"FAILED\" data-chosen=\"false\"><td>CLASS</td>"
                + "<td>slug</td><td>lr = 0.01</td><td class=\"num\">1.90</td>"),
        "method, settings and gap: " + candidates);
    assertEquals(2, count(candidates, "data-chosen=\"true\""), "one chosen per scope");
    assertTrue(candidates.contains("<td class=\"num\">0.080 ×</td>"), "the cost");
    assertTrue(candidates.contains("the budget ran out"), "why a candidate was skipped");
    assertTrue(calibration.contains("11.25 of at most 20 retrainings"), calibration);
    // Control: a model never calibrated says so, and shows no table.
    String other = section(page("#model=web-other"), "<section id=\"calibration\"");
    assertTrue(other.contains("id=\"no-calibration\""), other);
    assertFalse(other.contains("calibration-candidates"), other);
  }

  @Test
  void theAliasHistoryAndTheAuditViewFilterWhatTheyShow() throws Exception {
    String model = page("#model=" + MODEL);
    assertTrue(
        model.contains("<tr class=\"alias-move\" data-kind=\"PROMOTE\" data-alias=\"champion\">"),
        model);
    assertTrue(model.contains("<form class=\"inline\" id=\"alias-form\">"), "the alias form");
    assertFalse(model.contains(TOKEN), "the token is never in the page");

    String moves = page("#view=audit&action=alias.moved&modelId=" + MODEL);
    List<String> actions = actions(moves);
    assertFalse(actions.isEmpty(), moves);
    assertTrue(actions.stream().allMatch("alias.moved"::equals), actions.toString());
    List<String> all = actions(page("#view=audit&modelId=" + MODEL));
    assertTrue(all.contains("tag.added") && all.contains("alias.moved"), "unfiltered: " + all);

    String request = page("#request=w2");
    assertEquals(1, count(request, "<tr class=\"receipt\" data-status=\"APPLIED\""), request);
    assertTrue(
        request.contains("<p class=\"exclusion\" data-model=\"web-mnist\" data-version=\"4\""));
  }

  @Test
  void theAliasFormMovesAnAliasWithTheTokenWhichThePageNeverStores() throws Exception {
    try (DevToolsPage browser =
        new DevToolsPage(CHROMIUM, Files.createTempDirectory(tempDir, "devtools-profile"))) {
      browser.navigate(fx.app.baseUrl() + "/#model=" + MODEL);
      awaitReady(browser);
      // Refused by the registry: the wrong token, then a version that still holds w2's data.
      assertEquals("invalid bearer token", submitAlias(browser, "wrong-token", 4));
      String guard = submitAlias(browser, TOKEN, 2);
      assertTrue(guard.contains("still holds data of erased requests [w2]"), guard);
      assertTrue(
          fx.http.get("/api/models/" + MODEL + "/aliases/candidate").json().get("current").isNull(),
          "neither moved the alias");

      submitAlias(browser, TOKEN, 4);
      browser.await(
          "document.querySelector('tr.alias-move[data-alias=\"candidate\"]') !== null",
          JsonNode::asBoolean);
      assertEquals(
          4,
          fx.http
              .get("/api/models/" + MODEL + "/aliases/candidate")
              .json()
              .get("current")
              .get("version")
              .asInt());
      String kept =
          browser
              .evaluate(
                  "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage),"
                      + " document.cookie, location.href, document.documentElement.outerHTML])")
              .asText();
      assertFalse(kept.contains(TOKEN), "the token is in no storage, cookie, URL or markup");
      assertTrue(kept.contains("alias-history"), "what was read is the page itself");
    }
    JsonNode moves =
        fx.http.get("/api/audit?modelId=" + MODEL + "&action=alias.moved").json().get("items");
    assertTrue(
        moves.get(0).get("details").get("alias").asText().equals("candidate"),
        "audited as the admin's move: " + moves);
  }

  /** Fills the alias form, presses Promote, and returns what the page then says (or ""). */
  private static String submitAlias(DevToolsPage browser, String token, int version)
      throws Exception {
    browser.evaluate(
        "(() => { const f = document.getElementById('alias-form');"
            + " f.elements.alias.value = 'candidate'; f.elements.version.value = '"
            + version
            + "'; f.elements.token.value = '"
            + token
            + "'; f.elements.token.dispatchEvent(new Event('input'));"
            + " document.body.dataset.ready = 'false';"
            + " document.getElementById('alias-result').textContent = '';"
            + " f.requestSubmit(f.querySelector('button[value=promote]')); })()");
    // A refusal leaves the form with its message; a move renders the page again (ready once more).
    JsonNode after =
        browser.await(
            "({said: (document.getElementById('alias-result') || {}).textContent || '',"
                + " ready: document.body.dataset.ready === 'true'})",
            v -> !v.get("said").asText().isEmpty() || v.get("ready").asBoolean());
    return after.get("said").asText();
  }

  private static void awaitReady(DevToolsPage browser) throws Exception {
    // Right after navigating, the new document may have no body yet.
    browser.await(
        "!!document.body && document.body.dataset.ready === 'true'"
            + " && location.hash !== '' && !!document.getElementById('alias-form')",
        JsonNode::asBoolean);
  }

  @Test
  void screenshotsAt800PixelsShowTheRenderedPages() throws Exception {
    Map<String, String> shots =
        Map.of(
            "registry-model.png", "#model=" + MODEL + ",800,2300",
            "registry-version.png", "#model=" + MODEL + "&version=4,800,1300",
            "registry-audit.png", "#view=audit,800,900");
    for (Map.Entry<String, String> shot : shots.entrySet()) {
      String[] spec = shot.getValue().split(",");
      Path png = tempDir.resolve(shot.getKey());
      chromium(
          "--window-size=" + spec[1] + "," + spec[2],
          "--hide-scrollbars",
          "--screenshot=" + png,
          fx.app.baseUrl() + "/" + spec[0]);
      assertTrue(Files.exists(png), "screenshot written: " + shot.getKey());
      byte[] bytes = Files.readAllBytes(png);
      assertEquals((byte) 0x89, bytes[0]);
      assertEquals('P', bytes[1]);
      assertTrue(bytes.length > 20_000, "a non-blank page: " + bytes.length + " bytes");
      Path target = Path.of("target");
      if (Files.isDirectory(target)) {
        // Kept for a human to look at; docs/img/ holds copies made by hand from these.
        Files.copy(png, target.resolve(shot.getKey()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** The DOM once the page says it has rendered what it fetched. */
  private static String page(String hash) throws Exception {
    String dom = chromium("--dump-dom", fx.app.baseUrl() + "/" + hash);
    assertTrue(dom.contains("data-ready=\"true\""), "the page finished rendering:\n" + dom);
    assertFalse(dom.contains("id=\"error\""), "no error:\n" + dom);
    return dom;
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

  /**
   * From {@code start} to the end of the element it opens (elements of the same tag not nested).
   */
  private static String section(String dom, String start) {
    int from = dom.indexOf(start);
    assertTrue(from >= 0, "no " + start + " in:\n" + dom);
    String tag = start.substring(1, start.indexOf(' ') < 0 ? start.length() : start.indexOf(' '));
    if (!start.startsWith("<")) {
      from = dom.lastIndexOf('<', from);
      tag = dom.substring(from + 1, dom.indexOf(' ', from));
    }
    int end = dom.indexOf("</" + tag + ">", from);
    return dom.substring(from, end + tag.length() + 3);
  }

  private static String chart(String dom, String metric) {
    return section(dom, "<svg class=\"chart\" data-metric=\"" + metric + "\"");
  }

  private static Map<Integer, String> rows(String table) {
    Map<Integer, String> rows = new LinkedHashMap<>();
    Matcher m = Pattern.compile("<tr data-version=\"(\\d+)\"[^>]*>(.*?)</tr>").matcher(table);
    while (m.find()) {
      rows.put(Integer.parseInt(m.group(1)), m.group(2));
    }
    return rows;
  }

  private static List<Integer> dataVersions(String html) {
    List<Integer> out = new ArrayList<>();
    Matcher m = Pattern.compile("<li data-version=\"(\\d+)\"").matcher(html);
    while (m.find()) {
      out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  private static List<String> actions(String dom) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<tr class=\"audit\" data-action=\"([^\"]+)\"").matcher(dom);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asInt()));
    return out;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
