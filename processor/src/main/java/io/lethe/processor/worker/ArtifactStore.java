package io.lethe.processor.worker;

import io.lethe.avro.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Model weights on disk, content-addressed by sha256: writing the same bytes twice is a no-op and a
 * reader can always check what it got. Files are written to a temporary name and moved into place,
 * so a crash never leaves a half-written artifact under its final name.
 *
 * <p>Beside the weights it keeps, per model version, the forget ledger (a text manifest) and the
 * version's record: the worker's durable account of what exists and what was erased.
 */
public final class ArtifactStore {
  /** A version record is a few hundred bytes; anything far larger is not one. */
  private static final long MAX_VERSION_RECORD_BYTES = 1 << 20;

  private final Path root;

  public ArtifactStore(Path root) {
    this.root = root.toAbsolutePath();
    try {
      Files.createDirectories(this.root.resolve("sha256"));
      Files.createDirectories(this.root.resolve("manifests"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create artifact store at " + root, e);
    }
  }

  /** A stored artifact: where it is, its hex sha256 and its size. */
  public record ArtifactRef(String uri, String sha256, long sizeBytes) {}

  public ArtifactRef put(byte[] bytes) {
    String sha = sha256(bytes);
    Path target = pathOf(sha);
    if (!Files.exists(target)) {
      writeAtomically(target, bytes);
    }
    return new ArtifactRef(target.toUri().toString(), sha, bytes.length);
  }

  /** An artifact that is missing or no longer has the hash it is stored under. */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads an artifact and checks it still has the hash it is stored under. A corrupt file is moved
   * aside ({@code .corrupt}), so that writing the right bytes again ({@link #put}) restores it.
   */
  public byte[] read(String sha256) {
    Path path = pathOf(sha256);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new Unavailable("artifact " + sha256 + " is missing", null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read artifact " + sha256, e);
    }
    if (!sha256(bytes).equals(sha256)) {
      try {
        Files.move(
            path,
            path.resolveSibling(path.getFileName() + ".corrupt"),
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot move corrupt artifact " + sha256 + " aside", e);
      }
      throw new Unavailable(
          "artifact " + sha256 + " was corrupt (hash mismatch); moved aside", null);
    }
    return bytes;
  }

  /** A small text document about a model version (see {@link ForgetLedger}). */
  public void putManifest(String modelId, int version, String text) {
    writeAtomically(manifestPath(modelId, version), text.getBytes(StandardCharsets.UTF_8));
  }

  public String readManifest(String modelId, int version) {
    try {
      return Files.readString(manifestPath(modelId, version));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no manifest for " + modelId + " version " + version + " in " + root, e);
    }
  }

  /** What {@code version} excludes: nothing for a first (trained) version, else its manifest. */
  public ForgetLedger ledger(ModelVersion version) {
    return version.getParentVersion() == null && version.getBatchId() == null
        ? ForgetLedger.EMPTY
        : ForgetLedger.fromText(readManifest(version.getModelId(), version.getVersion()));
  }

  /**
   * Keeps a published version's record beside its manifest, where no topic retention reaches: the
   * worker's durable record of which versions exist (see {@link VersionLog}). Idempotent.
   */
  public void putVersion(ModelVersion version) {
    Path target = versionPath(version.getModelId(), version.getVersion());
    if (Files.exists(target)) {
      return;
    }
    try {
      ByteBuffer buffer = version.toByteBuffer();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      writeAtomically(target, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode version record " + target, e);
    }
  }

  /** Every version record kept by {@link #putVersion}, in no particular order. */
  public List<ModelVersion> versions() {
    List<ModelVersion> out = new ArrayList<>();
    try (Stream<Path> files = Files.find(root.resolve("manifests"), 2, ArtifactStore::isVersion)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.size(file) > MAX_VERSION_RECORD_BYTES) {
          throw new IllegalStateException("version record " + file + " is implausibly large");
        }
        out.add(ModelVersion.fromByteBuffer(ByteBuffer.wrap(Files.readAllBytes(file))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the version records under " + root, e);
    }
    return out;
  }

  private static boolean isVersion(Path file, BasicFileAttributes attributes) {
    return attributes.isRegularFile() && file.getFileName().toString().endsWith(".version");
  }

  public Path root() {
    return root;
  }

  private Path pathOf(String sha) {
    if (!sha.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a sha256: " + sha);
    }
    return root.resolve("sha256").resolve(sha + ".params");
  }

  private Path manifestPath(String modelId, int version) {
    if (!modelId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("model id not usable as a file name: " + modelId);
    }
    return root.resolve("manifests").resolve(modelId).resolve("v" + version + ".txt");
  }

  private Path versionPath(String modelId, int version) {
    return manifestPath(modelId, version).resolveSibling("v" + version + ".version");
  }

  private static void writeAtomically(Path target, byte[] bytes) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
      Files.write(tmp, bytes);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
