package io.lethe.registry.internals.service;

/**
 * Text from Kafka records (model ids and the like) made fit for a log line: control characters
 * (which could forge lines) replaced, and bounded in length.
 */
public final class LogSafe {
  static final int MAX = 128;

  private LogSafe() {}

  public static String of(String text) {
    if (text == null) {
      return "null";
    }
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= MAX ? clean : clean.substring(0, MAX) + "…";
  }
}
