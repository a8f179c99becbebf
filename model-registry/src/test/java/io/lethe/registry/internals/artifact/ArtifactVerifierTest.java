package io.lethe.registry.internals.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactVerifierTest {
  // sha256("hello\n")
  static final String HELLO = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
  // sha256 and size of /etc/passwd must never appear in a problem; any 64 hex digits will do here.
  static final String ANY_SHA = "ab".repeat(32);

  @TempDir Path dir;

  ArtifactVerifier verifier() {
    return new ArtifactVerifier(ArtifactRoot.of(dir.resolve("root")), Duration.ofSeconds(5));
  }

  @Test
  void acceptsAMatchingFileUnderTheRoot() throws Exception {
    ArtifactVerifier verifier = verifier();
    Path file = Files.writeString(verifier.root().path().resolve("w.params"), "hello\n");
    ArtifactVerifier.Result r = verifier.verify(file.toUri().toString(), HELLO, 6);
    assertTrue(r.verified(), r.problem());
    assertNull(r.problem());
    assertTrue(verifier.verify(file.toUri().toString(), HELLO.toUpperCase(), 6).verified());
  }

  @Test
  void refusesMismatchesWithoutSayingWhatTheFileHolds() throws Exception {
    ArtifactVerifier verifier = verifier();
    Path file = Files.writeString(verifier.root().path().resolve("w.params"), "hello\n");
    String uri = file.toUri().toString();
    assertProblem(verifier.verify(uri, "0".repeat(64), 6), "sha256 does not match");
    assertProblem(verifier.verify(uri, HELLO, 7), "size does not match");
    assertProblem(verifier.verify(uri, HELLO, 5), "size does not match");
    assertProblem(verifier.verify(uri, HELLO, 0), "positive number of bytes");
    assertProblem(verifier.verify(uri, "xyz", 6), "64 hex digits");
    String gone = verifier.root().path().resolve("gone").toUri().toString();
    assertProblem(verifier.verify(gone, HELLO, 6), "not found");
    assertProblem(verifier.verify("s3://bucket/w.params", HELLO, 6), "not a local file");
    assertProblem(verifier.verify("::not a uri::", HELLO, 6), "not a local file");
  }

  @Test
  void confinesReadsToTheRoot() throws Exception {
    ArtifactVerifier verifier = verifier();
    Path root = verifier.root().path();
    Path outside = Files.writeString(dir.resolve("secret.txt"), "hello\n");
    Files.createSymbolicLink(root.resolve("link.params"), outside);
    Files.createSymbolicLink(root.resolve("zero.params"), Path.of("/dev/zero"));
    Files.createDirectories(root.resolve("sub"));
    // Control: the same bytes under the root verify, so the refusals below are the root's doing.
    Files.writeString(root.resolve("sub/inside.params"), "hello\n");
    assertTrue(
        verifier.verify(root.resolve("sub/inside.params").toUri().toString(), HELLO, 6).verified());

    String[] hostile = {
      "file:///etc/passwd",
      "file://" + root + "/sub/../../secret.txt",
      "file://" + root + "/%2e%2e/secret.txt",
      "file:///dev/zero",
      root.resolve("link.params").toUri().toString(),
      root.resolve("zero.params").toUri().toString(),
      "file://" + root + "/sub",
      "file:" + dir.resolve("secret.txt"),
    };
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          for (String uri : hostile) {
            ArtifactVerifier.Result r = verifier.verify(uri, HELLO, 6);
            assertFalse(r.verified(), uri);
            assertFalse(r.problem().contains(HELLO), r.problem());
            assertFalse(r.problem().matches(".*\\d.*"), "no size or hash: " + r.problem());
          }
          // /dev/zero published with a huge size must not be read either.
          assertFalse(verifier.verify("file:///dev/zero", ANY_SHA, Long.MAX_VALUE).verified());
        });
    assertEquals(ArtifactRoot.OUTSIDE, verifier.verify("file:///etc/passwd", HELLO, 6).problem());
  }

  @Test
  void aFifoUnderTheRootDoesNotHangTheCheck() throws Exception {
    ArtifactVerifier verifier = verifier();
    Path fifo = verifier.root().path().resolve("pipe.params");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mkfifo.waitFor());
    assertTrue(Files.exists(fifo), "the scenario ran: a FIFO exists under the root");
    ArtifactVerifier.Result r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> verifier.verify(fifo.toUri().toString(), HELLO, 6));
    assertProblem(r, "not a regular file");
  }

  @Test
  void withoutARootNothingIsVerified() throws Exception {
    ArtifactVerifier verifier = new ArtifactVerifier(ArtifactRoot.of(null), null);
    Path file = Files.writeString(dir.resolve("w.params"), "hello\n");
    assertProblem(verifier.verify(file.toUri().toString(), HELLO, 6), "no artifact root");
  }

  private static void assertProblem(ArtifactVerifier.Result r, String expected) {
    assertFalse(r.verified());
    assertTrue(r.problem().contains(expected), r.problem());
  }
}
