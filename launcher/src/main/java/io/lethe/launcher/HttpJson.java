package io.lethe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** GETs JSON from a Lethe service; an address that does not answer is one clear line. */
final class HttpJson {
  private static final Duration TIMEOUT = Duration.ofSeconds(8);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String what;
  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  HttpJson(String what, String baseUrl) {
    this.what = what;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  String baseUrl() {
    return baseUrl;
  }

  /** A status and its parsed body (a JSON null where the body is not JSON). */
  record Response(int status, JsonNode body) {
    /** The error message a Lethe service put in its error body, or the status. */
    String message() {
      return body.hasNonNull("message") ? body.get("message").asText() : "HTTP " + status;
    }
  }

  Response get(String path) {
    URI uri;
    try {
      uri = URI.create(baseUrl + path);
    } catch (IllegalArgumentException e) {
      throw new ServiceUnreachableException(what + " URL is not valid: " + baseUrl);
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = JSON.readTree(response.body());
      } catch (IOException e) {
        body = JSON.nullNode();
      }
      return new Response(response.statusCode(), body == null ? JSON.nullNode() : body);
    } catch (IOException e) {
      throw new ServiceUnreachableException(
          "cannot reach "
              + what
              + " at "
              + baseUrl
              + " within "
              + TIMEOUT.toSeconds()
              + " s ("
              + e.getClass().getSimpleName()
              + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnreachableException("interrupted while asking " + what + " at " + baseUrl);
    }
  }

  /** One path segment, percent-encoded (a request or subject id may hold any character). */
  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A service the tools need does not answer. */
  static final class ServiceUnreachableException extends RuntimeException {
    ServiceUnreachableException(String message) {
      super(message);
    }
  }
}
