package io.lethe.registry.internals.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.lethe.registry.internals.service.RegistryException;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Reading path, query and body input; anything malformed is an {@code INVALID} refusal. */
final class Params {
  private Params() {}

  static int pathInt(Context ctx, String name) {
    String raw = ctx.pathParam(name);
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw RegistryException.invalid(name + " must be an integer, got '" + raw + "'");
    }
  }

  static int queryInt(Context ctx, String name, int fallback) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw RegistryException.invalid(name + " must be an integer, got '" + raw + "'");
    }
  }

  static boolean queryBool(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return false;
    }
    return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw RegistryException.invalid(name + " must be true or false, got " + raw);
    };
  }

  /** An ISO-8601 instant ({@code 2026-01-02T03:04:05Z}) or date ({@code 2026-01-02}, UTC). */
  static Instant queryInstant(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(raw.trim());
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(raw.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw RegistryException.invalid(
            name + " must be an ISO-8601 instant or date, got '" + raw + "'");
      }
    }
  }

  /** The JSON body as {@code type}; an empty body gives null. */
  static <T> T body(Context ctx, ObjectMapper json, Class<T> type) {
    String body = bodyText(ctx);
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return json.readValue(body, type);
    } catch (IOException e) {
      throw RegistryException.invalid("malformed JSON body: " + firstLine(e.getMessage()));
    }
  }

  /** Largest request body read, chunked or not. */
  static final int MAX_BODY_BYTES = 1_000_000;

  /**
   * The body as UTF-8 text, read from the stream and refused (413) past {@link #MAX_BODY_BYTES}.
   * Jetty's own limit only checks a declared Content-Length, which a chunked request does not have;
   * reading through here bounds both.
   */
  static String bodyText(Context ctx) {
    byte[] bytes;
    try (java.io.InputStream in = ctx.bodyInputStream()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw RegistryException.invalid("the request body could not be read");
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw RegistryException.tooLarge("the request body exceeds " + MAX_BODY_BYTES + " bytes");
    }
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Who made a mutating call, for the audit log: "admin", or "admin:NAME" from X-Lethe-Actor. */
  static String actor(Context ctx) {
    String name = ctx.header("X-Lethe-Actor");
    if (name == null || name.isBlank()) {
      return "admin";
    }
    String clean = name.replaceAll("[^A-Za-z0-9@._ -]", "").trim();
    return "admin:" + (clean.length() > 64 ? clean.substring(0, 64) : clean);
  }

  /** Longest reason kept with an alias move (it goes into the audit log and the alias event). */
  static final int MAX_REASON = 500;

  /** A caller's reason, bounded: control characters removed, at most {@link #MAX_REASON}. */
  static String reason(String raw) {
    if (raw == null) {
      return null;
    }
    String clean = raw.replaceAll("\\p{Cntrl}", " ").strip();
    if (clean.length() > MAX_REASON) {
      throw RegistryException.invalid("reason must be at most " + MAX_REASON + " characters");
    }
    return clean.isEmpty() ? null : clean;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    // Jackson appends the source location; the caller already knows its own body.
    int at = line.indexOf(" (for Object starting at");
    return at < 0 ? line : line.substring(0, at);
  }
}
