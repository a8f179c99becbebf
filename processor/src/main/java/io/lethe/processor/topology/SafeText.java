package io.lethe.processor.topology;

/**
 * Text from input made safe to copy into receipts, headers, logs and the registry's database: no
 * NULs or other control characters (PostgreSQL refuses NUL in text; a newline forges log lines), no
 * lone surrogates, bounded length. Such characters are written as {@code \}{@code uXXXX}, so the
 * raw bytes are never copied verbatim but a reader can still tell what was there.
 */
public final class SafeText {
  private SafeText() {}

  /** {@code text} with unsafe characters escaped, cut to at most {@code max} characters. */
  public static String of(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), max));
    int roomForEllipsis = -1; // where to cut so that "…" still fits
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String piece;
      if (unsafe(text, i)) {
        piece = String.format("\\u%04x", (int) c);
      } else if (Character.isHighSurrogate(c)) {
        piece = text.substring(i, i + 2);
        i++;
      } else {
        piece = String.valueOf(c);
      }
      if (roomForEllipsis < 0 && out.length() + piece.length() > max - 1) {
        roomForEllipsis = out.length();
      }
      if (out.length() + piece.length() > max) {
        out.setLength(roomForEllipsis);
        return out.append('\u2026').toString();
      }
      out.append(piece);
    }
    return out.toString();
  }

  /** Whether {@code text} can be copied as it is: no unsafe character and not over {@code max}. */
  public static boolean isClean(String text, int max) {
    if (text == null || text.length() > max) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (unsafe(text, i)) {
        return false;
      }
      if (Character.isHighSurrogate(text.charAt(i))) {
        i++;
      }
    }
    return true;
  }

  private static boolean unsafe(String text, int i) {
    char c = text.charAt(i);
    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    return Character.isLowSurrogate(c);
  }
}
