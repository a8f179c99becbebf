package io.lethe.registry.internals.service;

/**
 * Text from Kafka records (model ids, reasons and the like) made fit for a log line or a database
 * column: control characters replaced (they could forge log lines, and PostgreSQL refuses a NUL in
 * text and JSON alike), and bounded in length.
 */
public final class LogSafe {
  static final int MAX = 128;

  private LogSafe() {}

  public static String of(String text) {
    return text == null ? "null" : bounded(text, MAX);
  }

  /**
   * {@code text} with every control character replaced by {@code ?} and cut to at most {@code max}
   * characters (an ellipsis included, a surrogate pair never split); null stays null.
   */
  public static String bounded(String text, int max) {
    if (text == null) {
      return null;
    }
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    if (clean.length() <= max) {
      return clean;
    }
    int end = max - 1;
    if (end > 0 && Character.isHighSurrogate(clean.charAt(end - 1))) {
      end--;
    }
    return clean.substring(0, end) + "…";
  }
}
