package io.lethe.processor.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One file a dataset spec names: a path (relative ones resolved against the loader's base
 * directory) or, with the prefix {@code classpath:}, a resource shipped in the jar (the built-in
 * datasets). Knows the spec property that named it, so every error about it can say so.
 */
final class DataFile {

  static final String CLASSPATH = "classpath:";

  private final String name;
  private final String field;
  private final Path path;
  private final String resource;

  private DataFile(String name, String field, Path path, String resource) {
    this.name = name;
    this.field = field;
    this.path = path;
    this.resource = resource;
  }

  /** The file {@code spec} names (as written in the spec) under the property {@code field}. */
  static DataFile resolve(String spec, String field, Path baseDir) {
    if (spec == null || spec.isBlank()) {
      throw new DataException(field, "no file given");
    }
    if (spec.startsWith(CLASSPATH)) {
      String resource = spec.substring(CLASSPATH.length());
      if (!resource.startsWith("/")) {
        resource = "/" + resource;
      }
      if (DataFile.class.getResource(resource) == null) {
        throw new DataException(field, "no classpath resource " + resource);
      }
      return new DataFile(spec, field, null, resource);
    }
    Path p = Path.of(spec);
    if (!p.isAbsolute() && baseDir != null) {
      p = baseDir.resolve(p);
    }
    p = p.normalize();
    if (!Files.isRegularFile(p)) {
      throw new DataException(field, "file not found: " + p);
    }
    return new DataFile(spec, field, p, null);
  }

  /** A file given directly by path (the readers' own entry points). */
  static DataFile of(Path path, String field) {
    return resolve(path.toString(), field, null);
  }

  /** The name as the spec wrote it, for messages: {@code train.csv}. */
  String name() {
    return name;
  }

  /** The spec property that named this file. */
  String field() {
    return field;
  }

  /** Size in bytes, or -1 where unknown. */
  long length() {
    try {
      if (path != null) {
        return Files.size(path);
      }
      URL url = DataFile.class.getResource(resource);
      URLConnection connection = url.openConnection();
      return connection.getContentLengthLong();
    } catch (IOException e) {
      return -1;
    }
  }

  InputStream open() {
    try {
      if (path != null) {
        return Files.newInputStream(path);
      }
      InputStream in = DataFile.class.getResourceAsStream(resource);
      if (in == null) {
        throw new DataException(field, "no classpath resource " + resource);
      }
      return in;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + name, e);
    }
  }

  /** The whole file, refused beyond {@code limit} bytes so that nothing huge is allocated. */
  byte[] readAll(long limit) {
    long length = length();
    if (length > limit) {
      throw new DataException(
          field, name + " is " + length + " bytes, more than the " + limit + " this reader takes");
    }
    try (InputStream in = open()) {
      byte[] bytes = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
      if (in.read() != -1) {
        throw new DataException(field, name + " is larger than the " + limit + " bytes taken");
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
