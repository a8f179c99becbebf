package io.lethe.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * (In this module because every service and the engine depend on it; it knows nothing of Kafka.)
 *
 * <p>The one parser of durations in Lethe's settings (the catalog, the command line, the services'
 * options): ISO-8601 ({@code PT10S}, {@code P7D}) or the short form people type ({@code 250ms},
 * {@code 10s}, {@code 5m}, {@code 2h}, {@code 7d}, also combined: {@code 1h30m}).
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SHORT = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

  private Durations() {}

  /** Parses {@code text}; the exception names it and both accepted forms. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a duration must not be empty");
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (SHORT.matcher(t).matches()) {
      Duration total = Duration.ZERO;
      Matcher part = PART.matcher(t);
      while (part.find()) {
        long n = Long.parseLong(part.group(1));
        total =
            total.plus(
                switch (part.group(2)) {
                  case "ms" -> Duration.ofMillis(n);
                  case "s" -> Duration.ofSeconds(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "h" -> Duration.ofHours(n);
                  default -> Duration.ofDays(n);
                });
      }
      return total;
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: write e.g. 10s, 500ms, 5m, 1h30m, 7d or PT10S");
    }
  }

  /** The short form when it is exact ({@code 10s}), else ISO-8601. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms > 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
