package io.lethe.processor.integration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry (the {@code apicurio-registry-app} distribution, in-memory storage) run
 * as a child process on a free port of 127.0.0.1, for the REGISTRY-mode tests. Start it in
 * {@code @BeforeAll}, close it in {@code @AfterAll}.
 *
 * <p>The build fetches the distribution into the local Maven repository (see processor/pom.xml,
 * execution {@code fetch-apicurio-registry}) and passes its path in the system property {@value
 * #DIST_PROPERTY}. Where it is missing the test fails, saying so: a REGISTRY-mode test that skips
 * silently would prove nothing.
 */
final class ApicurioRegistryProcess implements AutoCloseable {
  static final String DIST_PROPERTY = "lethe.apicurio.dist";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final Path home;
  private final Path log;
  private final int port;
  private final Thread shutdownHook;
  private final long launched = System.nanoTime();
  private boolean closed;

  private ApicurioRegistryProcess(Process process, Path home, Path log, int port) {
    this.process = process;
    this.home = home;
    this.log = log;
    this.port = port;
    this.shutdownHook = new Thread(process::destroyForcibly, "apicurio-registry-kill");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Unpacks the distribution, starts it and waits until {@code /health/ready} answers UP. */
  static ApicurioRegistryProcess start() {
    return launch().awaitReady();
  }

  /**
   * Unpacks the distribution and starts it without waiting: do other set-up meanwhile, then {@link
   * #awaitReady()}.
   */
  static ApicurioRegistryProcess launch() {
    Path dist = distribution();
    Path home;
    try {
      home = Files.createTempDirectory("apicurio-registry-");
      run(List.of("tar", "-xzf", dist.toString(), "-C", home.toString()), Duration.ofMinutes(2));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + dist, e);
    }
    Path jar;
    try (Stream<Path> files = Files.list(home)) {
      jar =
          files
              .filter(f -> f.getFileName().toString().endsWith("-runner.jar"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException(dist + " holds no *-runner.jar"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int port = freePort();
    Path log = home.resolve("registry.log");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx512m",
                  "-Dquarkus.http.host=127.0.0.1",
                  "-Dquarkus.http.port=" + port,
                  "-jar",
                  jar.toString())
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Apicurio Registry", e);
    }
    return new ApicurioRegistryProcess(process, home, log, port);
  }

  /** {@code http://127.0.0.1:P} */
  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The core API, what Apicurio's serdes (and {@code lethe.schema-registry.url}) use. */
  String coreApiUrl() {
    return baseUrl() + "/apis/registry/v3";
  }

  /** The Confluent-compatible API, what Confluent's serdes would be pointed at. */
  String ccompatUrl() {
    return baseUrl() + "/apis/ccompat/v7";
  }

  private static Path distribution() {
    String configured = System.getProperty(DIST_PROPERTY);
    if (configured == null || configured.isBlank()) {
      throw new IllegalStateException(
          "system property "
              + DIST_PROPERTY
              + " is not set: run this test through Maven (./mvnw -pl processor -am verify), which"
              + " fetches io.apicurio:apicurio-registry-app:3.0.9:tar.gz:all from Maven Central"
              + " and sets it");
    }
    Path dist = Paths.get(configured);
    if (!Files.isRegularFile(dist)) {
      throw new IllegalStateException(
          "the Apicurio Registry distribution is missing at "
              + dist
              + ": the build's fetch-apicurio-registry step (processor/pom.xml) gets it from Maven"
              + " Central; without network access it cannot, and REGISTRY mode cannot be tested");
    }
    return dist;
  }

  /**
   * Waits (at most two minutes) until {@code /health/ready} answers UP; on failure kills the
   * process and throws with the end of its log.
   */
  ApicurioRegistryProcess awaitReady() {
    try {
      pollReady();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
    System.out.printf(
        "Apicurio Registry ready at %s, %d ms after launch%n",
        baseUrl(), (System.nanoTime() - launched) / 1_000_000);
    return this;
  }

  private void pollReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI ready = URI.create(baseUrl() + "/health/ready");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited with status " + process.exitValue() + ":\n" + logTail());
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
      }
      sleep(250);
    }
    throw new IllegalStateException(
        "Apicurio Registry not ready after "
            + READY_TIMEOUT.toSeconds()
            + " s (last: "
            + last
            + "):\n"
            + logTail());
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the registry (SIGTERM, then SIGKILL after 15 s) and deletes its files; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    deleteTree(home);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(List<String> command, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(command + " did not finish in " + timeout);
      }
      if (p.exitValue() != 0) {
        throw new IOException(command + " failed with " + p.exitValue() + ": " + output);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
