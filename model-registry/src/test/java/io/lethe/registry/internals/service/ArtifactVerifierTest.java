package io.lethe.registry.internals.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactVerifierTest {
  // sha256("hello\n")
  static final String HELLO = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
  final ArtifactVerifier verifier = new ArtifactVerifier();

  @Test
  void acceptsAMatchingFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("w.params"), "hello\n");
    ArtifactVerifier.Result r = verifier.verify(file.toUri().toString(), HELLO, 6);
    assertTrue(r.verified(), r.problem());
    assertNull(r.problem());
    assertTrue(verifier.verify(file.toUri().toString(), HELLO.toUpperCase(), 0).verified());
  }

  @Test
  void refusesMismatchesMissingFilesAndOtherSchemes(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("w.params"), "hello\n");
    String uri = file.toUri().toString();
    assertProblem(verifier.verify(uri, "0".repeat(64), 6), "sha256 mismatch");
    assertProblem(verifier.verify(uri, HELLO, 7), "size mismatch");
    assertProblem(verifier.verify(uri, "xyz", 6), "64 hex digits");
    assertProblem(verifier.verify(dir.resolve("gone").toUri().toString(), HELLO, 6), "not found");
    assertProblem(verifier.verify("s3://bucket/w.params", HELLO, 6), "scheme not supported");
    assertProblem(verifier.verify("::not a uri::", HELLO, 6), "not a URI");
  }

  private static void assertProblem(ArtifactVerifier.Result r, String expected) {
    assertFalse(r.verified());
    assertTrue(r.problem().contains(expected), r.problem());
  }
}
