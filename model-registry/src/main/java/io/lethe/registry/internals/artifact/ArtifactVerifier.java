package io.lethe.registry.internals.artifact;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Checks an artifact's bytes against the sha256 and size its version published. Only regular files
 * under the {@link ArtifactRoot} are read, and never more than the published size (plus one byte,
 * to notice a longer file) nor for longer than the read timeout, so no URI can hang ingest.
 * Problems are fixed phrases: they name neither the file's actual size nor its hash.
 */
public final class ArtifactVerifier {
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  /** The outcome: {@code problem} is null when the artifact matched. */
  public record Result(boolean verified, String problem) {
    static Result ok() {
      return new Result(true, null);
    }

    static Result failed(String problem) {
      return new Result(false, problem);
    }
  }

  private final ArtifactRoot root;
  private final Duration readTimeout;

  public ArtifactVerifier(ArtifactRoot root, Duration readTimeout) {
    this.root = root;
    this.readTimeout = readTimeout == null ? DEFAULT_READ_TIMEOUT : readTimeout;
  }

  public ArtifactRoot root() {
    return root;
  }

  public Result verify(String uri, String expectedSha256, long expectedSize) {
    if (expectedSha256 == null || !expectedSha256.matches("(?i)[0-9a-f]{64}")) {
      return Result.failed("published sha256 is not 64 hex digits");
    }
    if (expectedSize <= 0) {
      return Result.failed("published size must be a positive number of bytes");
    }
    Path path;
    try {
      path = root.resolve(uri);
    } catch (ArtifactRoot.Refused e) {
      return Result.failed(e.getMessage());
    }
    try {
      String actual = boundedSha256(path, expectedSize);
      if (actual == null) {
        return Result.failed("size does not match the published size");
      }
      if (!actual.equals(expectedSha256.toLowerCase(Locale.ROOT))) {
        return Result.failed("sha256 does not match the published sha256");
      }
      return Result.ok();
    } catch (ReadTimedOut e) {
      return Result.failed("artifact read took longer than " + readTimeout);
    } catch (IOException e) {
      return Result.failed("artifact file unreadable");
    }
  }

  private static final class ReadTimedOut extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** The file's sha256, or null when it does not hold exactly {@code size} bytes. */
  private String boundedSha256(Path path, long size) throws IOException {
    long deadline = System.nanoTime() + readTimeout.toNanos();
    MessageDigest digest = sha256Digest();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(64 * 1024, size + 1));
    long read = 0;
    try (FileChannel in =
        FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (in.size() != size) {
        return null;
      }
      int n;
      while ((n = in.read(buffer)) >= 0) {
        read += n;
        if (read > size) {
          return null;
        }
        buffer.flip();
        digest.update(buffer);
        buffer.clear();
        if (System.nanoTime() > deadline) {
          throw new ReadTimedOut();
        }
      }
    }
    return read == size ? HexFormat.of().formatHex(digest.digest()) : null;
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hex sha256 of a string's UTF-8 bytes. */
  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256Digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
