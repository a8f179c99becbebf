package io.lethe.registry;

import static io.lethe.registry.RegistryFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.avro.Artifact;
import io.lethe.avro.VerificationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifact URIs come from Kafka and are not trusted: files outside the artifact root (named
 * directly, through {@code ../}, as a device, or through a symlink) are never read, served or
 * deleted, and naming one neither leaks anything about it nor stops ingest.
 */
class ArtifactConfinementIntegrationTest {
  @TempDir static Path tempDir;
  static RegistryFixture fx;
  static Path victim;
  static Path linkedVictim;
  static Artifact inside;

  @BeforeAll
  static void start() throws Exception {
    fx = new RegistryFixture(tempDir, null);
    Path root = fx.app.config().artifactRoot().toRealPath();
    Path outside = Files.createDirectories(tempDir.resolve("outside"));
    victim = Files.write(outside.resolve("victim.bin"), new byte[] {1, 2, 3, 4});
    linkedVictim = Files.write(outside.resolve("linked.bin"), new byte[] {5, 6, 7, 8});
    Path link = Files.createSymbolicLink(root.resolve("escape.params"), linkedVictim);
    String sha = Artifacts.sha256(new byte[] {1, 2, 3, 4});

    // hostile: 1 inside the root (the control), 2 ../ out of it, 3 a symlink out, 4 erases r1
    inside = fx.artifacts.write(64);
    fx.publish(fx.artifacts.version("hostile", 1, VerificationStatus.PASSED, List.of(), inside));
    fx.publish(
        fx.artifacts.version(
            "hostile",
            2,
            VerificationStatus.PASSED,
            List.of(),
            new Artifact("file://" + root + "/../outside/victim.bin", sha, 4L)));
    fx.publish(
        fx.artifacts.version(
            "hostile",
            3,
            VerificationStatus.PASSED,
            List.of(),
            new Artifact(link.toUri().toString(), Artifacts.sha256(new byte[] {5, 6, 7, 8}), 4L)));
    fx.publish(fx.artifacts.version("hostile", 4, VerificationStatus.PASSED, List.of("r1")));
    // devices: /etc/passwd and /dev/zero (size 0, or huge); then an ordinary version
    fx.publish(
        fx.artifacts.version(
            "devices",
            1,
            VerificationStatus.PASSED,
            List.of(),
            new Artifact("file:///etc/passwd", "ab".repeat(32), 0L)));
    fx.publish(
        fx.artifacts.version(
            "devices",
            2,
            VerificationStatus.PASSED,
            List.of(),
            new Artifact("file:///dev/zero", "ab".repeat(32), 0L)));
    fx.publish(
        fx.artifacts.version(
            "devices",
            3,
            VerificationStatus.PASSED,
            List.of(),
            new Artifact("file:///dev/zero", "ab".repeat(32), Long.MAX_VALUE)));
    fx.publish(fx.artifacts.version("devices", 4, VerificationStatus.PASSED, List.of()));
    fx.awaitVersion("hostile", 4);
    fx.awaitVersion("devices", 4);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static JsonNode artifact(String model, int version) {
    return fx.http.get("/api/models/" + model + "/versions/" + version).json().get("artifact");
  }

  @Test
  void foreignFilesAreStoredUnverifiedWithAReasonThatLeaksNothing() throws Exception {
    assertTrue(artifact("hostile", 1).get("verified").asBoolean(), "control: inside the root");
    assertTrue(artifact("devices", 4).get("verified").asBoolean(), "ingest went on");
    long passwdSize = Files.size(Path.of("/etc/passwd"));
    for (String[] mv :
        new String[][] {
          {"hostile", "2"}, {"hostile", "3"}, {"devices", "1"}, {"devices", "2"}, {"devices", "3"}
        }) {
      JsonNode a = artifact(mv[0], Integer.parseInt(mv[1]));
      String what = mv[0] + " v" + mv[1] + ": " + a;
      assertFalse(a.get("verified").asBoolean(), what);
      assertTrue(a.get("downloadUrl").isNull(), what);
      String problem = a.get("problem").asText();
      assertFalse(problem.matches(".*[0-9a-f]{64}.*"), "no hash: " + what);
      assertFalse(problem.contains(Long.toString(passwdSize)), "no size: " + what);
      assertEquals(
          409,
          fx.http.get("/api/models/" + mv[0] + "/versions/" + mv[1] + "/artifact").status(),
          what);
    }
    assertTrue(artifact("hostile", 2).get("problem").asText().contains("outside"));
    assertTrue(artifact("hostile", 3).get("problem").asText().contains("outside"));
    assertEquals(200, fx.http.get("/api/models/hostile/versions/1/artifact").status(), "control");
  }

  @Test
  void purgeNeverTouchesAFileOutsideTheRoot() {
    Http.Response r = fx.http.send("POST", "/api/models/hostile/purge", null, TOKEN);
    assertEquals(200, r.status(), r.body());
    JsonNode purged = r.json().get("purged");
    assertEquals(3, purged.size(), r.body());
    // Control: the purge ran and deleted the file of the version inside the root ...
    assertFalse(Files.exists(Artifacts.path(inside)), "the control file was purged");
    // ... and left the files the hostile versions named alone.
    assertTrue(Files.exists(victim), "../ target kept");
    assertTrue(Files.exists(linkedVictim), "symlink target kept");
    assertEquals(410, fx.http.get("/api/models/hostile/versions/2/artifact").status());
  }
}
