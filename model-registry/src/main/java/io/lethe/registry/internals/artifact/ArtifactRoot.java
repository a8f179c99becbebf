package io.lethe.registry.internals.artifact;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one directory whose files the registry may read, serve and delete. A version's artifact URI
 * comes from Kafka and is not trusted: it is resolved here to a real path (symlinks followed) that
 * must lie under the root's real path and be a regular file. Refusals carry a fixed reason that
 * says nothing about the file named (not whether it exists outside the root, nor its size).
 */
public final class ArtifactRoot {

  /** Why an artifact URI is not confined to the root; the message is safe to publish. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  static final String NOT_CONFIGURED =
      "the registry has no artifact root configured (lethe.registry.artifact-root)";
  static final String NOT_FILE_URI = "artifact uri is not a local file: URI";
  static final String OUTSIDE = "artifact is outside the registry's artifact root";
  static final String NOT_REGULAR = "artifact is not a regular file";
  static final String MISSING = "artifact file not found under the artifact root";

  private final Path root;

  private ArtifactRoot(Path root) {
    this.root = root;
  }

  /**
   * A root at {@code dir}, created when missing; null gives a root that confines everything out.
   */
  public static ArtifactRoot of(Path dir) {
    if (dir == null) {
      return new ArtifactRoot(null);
    }
    try {
      Files.createDirectories(dir);
      return new ArtifactRoot(dir.toRealPath());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot use artifact root " + dir + ": " + e, e);
    }
  }

  /** The root's real path, or null when none is configured. */
  public Path path() {
    return root;
  }

  /**
   * The real path of the regular file {@code uri} names under the root. Lexically outside paths are
   * refused before the file system is asked anything about them.
   */
  public Path resolve(String uri) throws Refused {
    if (root == null) {
      throw new Refused(NOT_CONFIGURED);
    }
    Path lexical = lexicalPath(uri).normalize();
    if (!lexical.isAbsolute() || !lexical.startsWith(root)) {
      throw new Refused(OUTSIDE);
    }
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      throw new Refused(MISSING);
    } catch (IOException e) {
      throw new Refused(MISSING);
    }
    if (!real.startsWith(root)) {
      throw new Refused(OUTSIDE);
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused(NOT_REGULAR);
    }
    return real;
  }

  private static Path lexicalPath(String uri) throws Refused {
    if (uri == null) {
      throw new Refused(NOT_FILE_URI);
    }
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new Refused(NOT_FILE_URI);
    }
    if (parsed.getScheme() == null
        || !"file".equals(parsed.getScheme().toLowerCase(Locale.ROOT))
        || parsed.getRawQuery() != null
        || parsed.getRawFragment() != null) {
      throw new Refused(NOT_FILE_URI);
    }
    try {
      return Path.of(parsed);
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new Refused(NOT_FILE_URI);
    }
  }

  @Override
  public String toString() {
    return root == null ? "(none)" : root.toString();
  }
}
