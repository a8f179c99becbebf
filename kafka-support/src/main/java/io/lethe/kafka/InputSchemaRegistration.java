package io.lethe.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.avro.DeletionRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In registry mode, registers the schema Lethe reads its requests with, {@code DeletionRequest}
 * whole (its enums inlined), under the request topic's Confluent subject {@code <topic>-value},
 * with a BACKWARD compatibility rule: a producer fetches it ({@code GET
 * /apis/ccompat/v7/subjects/<topic>-value/versions/latest}) instead of inventing one, and a schema
 * Lethe could not read (another record name or namespace, a field without a default) is refused
 * when a producer tries to register it, not dead-lettered later. Registering again finds the same
 * version; the rule is added once.
 */
public final class InputSchemaRegistration {
  private static final Logger log = LoggerFactory.getLogger(InputSchemaRegistration.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** The compatibility rule set on the subject. */
  public static final String COMPATIBILITY = "BACKWARD";

  private InputSchemaRegistration() {}

  /** The subject producers find the request schema under. */
  public static String subject(TopicNames names) {
    return names.deletionRequests() + "-value";
  }

  /**
   * Registers the request schema when {@code serdes} is in registry mode; does nothing in embedded
   * mode. Fails with the registry's answer when it refuses.
   */
  public static void ensure(AvroSerdes serdes, TopicNames names) {
    if (serdes.mode() != SerializationMode.REGISTRY) {
      return;
    }
    String core = serdes.registryUrl();
    String subject = subject(names);
    String artifacts = core + "/groups/default/artifacts";
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    Map<String, Object> artifact =
        Map.of(
            "artifactId",
            subject,
            "artifactType",
            "AVRO",
            "firstVersion",
            Map.of(
                "content",
                Map.of(
                    "content",
                    DeletionRequest.getClassSchema().toString(),
                    "contentType",
                    "application/json")));
    HttpResponse<String> created =
        post(http, artifacts + "?ifExists=FIND_OR_CREATE_VERSION", artifact);
    if (created.statusCode() != 200) {
      throw new IllegalStateException(
          "the schema registry at "
              + core
              + " refused the request schema under "
              + subject
              + ": HTTP "
              + created.statusCode()
              + " "
              + created.body());
    }
    HttpResponse<String> rule =
        post(
            http,
            artifacts + "/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/rules",
            Map.of("ruleType", "COMPATIBILITY", "config", COMPATIBILITY));
    // 409: the subject has its rule already (set by an earlier start, or by its owner).
    if (rule.statusCode() != 204 && rule.statusCode() != 200 && rule.statusCode() != 409) {
      throw new IllegalStateException(
          "the schema registry at "
              + core
              + " refused the compatibility rule of "
              + subject
              + ": HTTP "
              + rule.statusCode()
              + " "
              + rule.body());
    }
    log.info("Request schema registered under {} ({} compatibility)", subject, COMPATIBILITY);
  }

  private static HttpResponse<String> post(HttpClient http, String url, Object body) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the schema registry at " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering the request schema", e);
    }
  }
}
