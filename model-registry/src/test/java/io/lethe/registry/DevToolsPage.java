package io.lethe.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page of a headless Chromium driven over the DevTools protocol (a WebSocket), for what {@code
 * --dump-dom} cannot do: type into a form, press its button, and read the page afterwards.
 */
final class DevToolsPage implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  DevToolsPage(Path chromium, Path profile) throws Exception {
    process =
        new ProcessBuilder(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=800,1200",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String browser = browserEndpoint();
      URI base = URI.create(browser.replaceFirst("^ws://", "http://"));
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      for (int i = 0; i < 50 && pageSocket == null; i++) {
        String list =
            http.send(
                    HttpRequest.newBuilder(base.resolve("/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        for (JsonNode target : Http.JSON.readTree(list)) {
          if ("page".equals(target.path("type").asText())) {
            pageSocket = target.get("webSocketDebuggerUrl").asText();
          }
        }
        if (pageSocket == null) {
          Thread.sleep(100);
        }
      }
      if (pageSocket == null) {
        throw new IllegalStateException("Chromium opened no page");
      }
      socket =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(pageSocket), new Listener())
              .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Chromium prints its DevTools address on stderr once it listens. */
  private String browserEndpoint() throws IOException {
    BufferedReader err =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String line;
    while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        // Keep draining stderr so that Chromium never blocks on a full pipe.
        Thread drain = new Thread(() -> err.lines().forEach(l -> {}), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
    }
    throw new IllegalStateException("Chromium printed no DevTools address");
  }

  void navigate(String url) throws Exception {
    ObjectNode params = Http.JSON.createObjectNode().put("url", url);
    call("Page.navigate", params);
  }

  /** The value of a JavaScript expression (awaited when it is a promise), as JSON. */
  JsonNode evaluate(String expression) throws Exception {
    ObjectNode params =
        Http.JSON
            .createObjectNode()
            .put("expression", expression)
            .put("returnByValue", true)
            .put("awaitPromise", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new AssertionError("JavaScript threw: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Evaluates {@code expression} until {@code done} accepts its value; fails after 30 s. */
  JsonNode await(String expression, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode value = null;
    while (System.nanoTime() < deadline) {
      value = evaluate(expression);
      if (done.test(value)) {
        return value;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting on " + expression + ", last: " + value);
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = Http.JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    socket.sendText(Http.JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
    JsonNode reply = answer.get(30, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new AssertionError(method + " failed: " + reply.get("error"));
    }
    return reply.path("result");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          JsonNode message = Http.JSON.readTree(text.toString());
          // Events (no id) are not needed here.
          if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer != null) {
              answer.complete(message);
            }
          }
        } catch (IOException e) {
          pending.values().forEach(f -> f.completeExceptionally(e));
        }
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.abort();
    // The renderer and helper processes Chromium started, then Chromium itself.
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
