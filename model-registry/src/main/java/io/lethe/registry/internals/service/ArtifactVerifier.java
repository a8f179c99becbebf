package io.lethe.registry.internals.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Checks an artifact's bytes against the sha256 and size its version published. Only {@code file:}
 * URIs can be read; any other scheme is reported as unverifiable.
 */
public final class ArtifactVerifier {

  /** The outcome: {@code problem} is null when the artifact matched. */
  public record Result(boolean verified, String problem) {
    static Result ok() {
      return new Result(true, null);
    }

    static Result failed(String problem) {
      return new Result(false, problem);
    }
  }

  public Result verify(String uri, String expectedSha256, long expectedSize) {
    Path path;
    try {
      path = localPath(uri);
    } catch (IllegalArgumentException e) {
      return Result.failed(e.getMessage());
    }
    if (expectedSha256 == null || !expectedSha256.matches("(?i)[0-9a-f]{64}")) {
      return Result.failed("published sha256 is not 64 hex digits: " + expectedSha256);
    }
    try {
      long size = Files.size(path);
      if (expectedSize > 0 && size != expectedSize) {
        return Result.failed(
            "size mismatch: published " + expectedSize + " bytes, file has " + size);
      }
      String actual = sha256(path);
      if (!actual.equals(expectedSha256.toLowerCase(Locale.ROOT))) {
        return Result.failed(
            "sha256 mismatch: published " + expectedSha256 + ", file has " + actual);
      }
      return Result.ok();
    } catch (NoSuchFileException e) {
      return Result.failed("artifact file not found: " + path);
    } catch (IOException e) {
      return Result.failed("artifact file unreadable: " + e.getMessage());
    }
  }

  /** The local file behind a {@code file:} URI. */
  public static Path localPath(String uri) {
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("artifact uri is not a URI: " + uri);
    }
    if (!"file".equalsIgnoreCase(parsed.getScheme())) {
      throw new IllegalArgumentException(
          "artifact uri scheme not supported (only file:): " + parsed.getScheme());
    }
    try {
      return Path.of(parsed);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new IllegalArgumentException("artifact uri is not a local file: " + uri);
    }
  }

  static String sha256(Path path) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(path)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Hex sha256 of a string's UTF-8 bytes. */
  public static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
