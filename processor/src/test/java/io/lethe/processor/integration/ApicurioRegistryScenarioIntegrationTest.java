package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.ModelVersion;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.SerializationMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The pipeline scenario in REGISTRY mode, against a real Apicurio Registry 3.0.9 process: Lethe's
 * serdes are Apicurio's, in Confluent's wire format ({@code 00}, the schema's 4-byte big-endian id,
 * Avro binary). The independent encoder is what a producer using Confluent's KafkaAvroSerializer
 * against {@code /apis/ccompat/v7} does: it registers the schema through the Confluent-compatible
 * REST API and frames the record with the id it got back, with neither Apicurio's serializer nor
 * any Confluent artifact.
 */
class ApicurioRegistryScenarioIntegrationTest extends PipelineScenario {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCHEMAREGISTRY_JSON = "application/vnd.schemaregistry.v1+json";

  private final HttpClient http = HttpClient.newHttpClient();
  private ApicurioRegistryProcess registry;
  private EmbeddedKafka kafka;
  private AvroSerdes serdes;

  @Override
  protected void startInfrastructure() throws Exception {
    registry = ApicurioRegistryProcess.launch();
    kafka = EmbeddedKafka.start(); // while the registry starts
    registry.awaitReady();
    makeGlobalAndContentIdsDiffer();
    serdes = new AvroSerdes(SerializationMode.REGISTRY, registry.coreApiUrl());
  }

  @Override
  protected void stopInfrastructure() {
    try {
      if (kafka != null) {
        kafka.close();
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  @Override
  protected String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  protected AvroSerdes serdes() {
    return serdes;
  }

  /** Confluent's framing by hand: register through ccompat, then 00 + id + Avro binary. */
  @Override
  protected byte[] encodeIndependently(String topic, DeletionRequest request) throws Exception {
    Schema schema = DeletionRequest.getClassSchema();
    int id = registerThroughCcompat(topic + "-value", schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<DeletionRequest>(schema).write(request, encoder);
    encoder.flush();
    byte[] bytes = out.toByteArray();
    System.out.printf(
        "independently framed DeletionRequest (ccompat id %d): %s …%n", id, hex(bytes, 16));
    return bytes;
  }

  /** Magic byte 0, then an id that ccompat resolves to the ModelVersion schema. */
  @Override
  protected void assertFramed(String topic, byte[] value) throws Exception {
    assertEquals(0, value[0], hex(value, 16));
    int id = ByteBuffer.wrap(value, 1, 4).getInt();
    JsonNode byId = get(registry.ccompatUrl() + "/schemas/ids/" + id);
    assertEquals(
        ModelVersion.getClassSchema(),
        new Schema.Parser().parse(byId.path("schema").asText()),
        "schema id " + id);
    JsonNode latest =
        get(registry.ccompatUrl() + "/subjects/" + enc(topic + "-value") + "/versions/latest");
    assertEquals(id, latest.path("id").asInt(), latest.toString());
  }

  /** Magic byte 0 and an id the registry never handed out. */
  @Override
  protected byte[] framedGarbage() {
    return new byte[] {0, 0x7f, 0x00, 0x00, 0x01, 2, 'x'};
  }

  @Test
  void theIdOnTheWireIsTheContentIdThatCcompatServesNotTheGlobalId() throws Exception {
    String topic = harness.topics.modelVersions.name();
    byte[] value = outcome.rawVersions().get(0).value();
    int id = ByteBuffer.wrap(value, 1, 4).getInt();
    JsonNode meta =
        get(
            registry.coreApiUrl()
                + "/groups/default/artifacts/"
                + enc(topic + "-value")
                + "/versions/branch=latest");
    System.out.printf(
        "%s record on the wire: %s … (contentId %s, globalId %s)%n",
        topic, hex(value, 16), meta.path("contentId"), meta.path("globalId"));
    assertEquals(meta.path("contentId").asInt(), id, meta.toString());
    // makeGlobalAndContentIdsDiffer() made them differ, so this tells the two apart.
    assertNotEquals(meta.path("globalId").asInt(), meta.path("contentId").asInt(), meta.toString());
    assertNotEquals(meta.path("globalId").asInt(), id, meta.toString());
  }

  @Test
  void everyLetheSchemaIsUnderItsConfluentSubjectName() throws Exception {
    Set<String> subjects = new HashSet<>();
    get(registry.ccompatUrl() + "/subjects").forEach(s -> subjects.add(s.asText()));
    for (String topic :
        new String[] {
          harness.topics.deletionRequests.name(),
          harness.topics.trainingLineage.name(),
          harness.topics.unlearningBatches.name(),
          harness.topics.modelVersions.name(),
          harness.topics.requestReceipts.name()
        }) {
      assertTrue(subjects.contains(topic + "-value"), topic + "-value not in " + subjects);
    }
  }

  /**
   * Apicurio 3.0.9 draws a new version's global id and a new content's id in step, so on a fresh
   * registry they are equal and a test could not tell which of the two the serializer wrote. Here
   * the ModelVersion schema is registered first under another subject (as a team that registered
   * its schemas ahead of time would have): when Lethe's serializer then registers it under {@code
   * <topic>-value}, that is a new version (a new global id) of existing content (an old content
   * id).
   */
  private void makeGlobalAndContentIdsDiffer() throws Exception {
    registerThroughCcompat("lethe-test-model-version-twin-value", ModelVersion.getClassSchema());
  }

  private int registerThroughCcompat(String subject, Schema schema) throws Exception {
    String body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(registry.ccompatUrl() + "/subjects/" + enc(subject) + "/versions"))
                .header("Content-Type", SCHEMAREGISTRY_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), subject + ": " + response.body());
    return JSON.readTree(response.body()).path("id").asInt();
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url + ": " + response.body());
    return JSON.readTree(response.body());
  }

  private static String enc(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8);
  }
}
