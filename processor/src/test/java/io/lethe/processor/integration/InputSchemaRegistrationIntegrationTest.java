package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.avro.DeletionReason;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.InputSchemaRegistration;
import io.lethe.kafka.SerializationMode;
import io.lethe.kafka.TopicNames;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In registry mode the processor registers its request schema at start under {@code <topic>-value}
 * with a BACKWARD rule (docs/producers.md), against a real Apicurio Registry: a producer fetches it
 * through the Confluent-compatible API, and a schema Lethe could not read is refused when a
 * producer registers it. The same record in a producer's own namespace is compatible, and Lethe
 * reads it.
 */
class InputSchemaRegistrationIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCHEMAREGISTRY_JSON = "application/vnd.schemaregistry.v1+json";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ApicurioRegistryProcess registry;
  private static String subject;
  private static AvroSerdes serdes;
  private static String versionsAfterStart;
  private static String latestAfterStart;

  @BeforeAll
  static void registerTwice() {
    registry = ApicurioRegistryProcess.start();
    serdes = new AvroSerdes(SerializationMode.REGISTRY, registry.coreApiUrl());
    subject = InputSchemaRegistration.subject(TopicNames.DEFAULTS);
    // As two processor starts would: the second finds what the first registered.
    InputSchemaRegistration.ensure(serdes, TopicNames.DEFAULTS);
    InputSchemaRegistration.ensure(serdes, TopicNames.DEFAULTS);
    try {
      // Read before the tests register versions of their own.
      versionsAfterStart = get("/subjects/" + enc(subject) + "/versions").body();
      latestAfterStart = get("/subjects/" + enc(subject) + "/versions/latest").body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void aProducerFetchesTheWholeRequestSchemaUnderTheTopicsSubject() throws Exception {
    assertEquals("lethe.deletion-requests-value", subject);
    assertEquals("[1]", versionsAfterStart.replace(" ", ""), "registered once, found again");
    JsonNode latest = JSON.readTree(latestAfterStart);
    Schema fetched = new Schema.Parser().parse(latest.path("schema").asText());
    assertEquals(DeletionRequest.getClassSchema(), fetched);
    assertEquals("io.lethe.avro.DeletionRequest", fetched.getFullName());
    HttpResponse<String> rule =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        registry.coreApiUrl()
                            + "/groups/default/artifacts/"
                            + enc(subject)
                            + "/rules/COMPATIBILITY"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, rule.statusCode(), rule.body());
    assertEquals("BACKWARD", JSON.readTree(rule.body()).path("config").asText());
  }

  @Test
  void aSchemaLetheCouldNotReadIsRefusedAtRegistration() throws Exception {
    // A new required field: Lethe's schema could not read records written with it.
    Schema own = DeletionRequest.getClassSchema();
    String required =
        own.toString()
            .replace("\"fields\":[", "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},");
    HttpResponse<String> refused = register(required);
    assertEquals(409, refused.statusCode(), refused.body());
    // Control: the schema Lethe registered is accepted again, so the refusal is the field's.
    HttpResponse<String> same = register(own.toString());
    assertEquals(200, same.statusCode(), same.body());
  }

  @Test
  void theSameRecordInTheProducersOwnNamespaceIsReadAsLethesOwn() throws Exception {
    Schema foreign =
        new Schema.Parser()
            .parse(
                DeletionRequest.getClassSchema()
                    .toString()
                    .replace("io.lethe.avro", "com.example.privacy"));
    assertEquals("com.example.privacy.DeletionRequest", foreign.getFullName());
    HttpResponse<String> registered = register(foreign.toString());
    assertEquals(200, registered.statusCode(), registered.body());
    int id = JSON.readTree(registered.body()).path("id").asInt();
    GenericRecord record = new GenericData.Record(foreign);
    record.put("requestId", "req-foreign-1");
    record.put("scope", new GenericData.EnumSymbol(foreign.getField("scope").schema(), "SUBJECT"));
    record.put("subjectId", "subject-0042");
    record.put("modelIds", List.of());
    record.put("sampleIds", List.of());
    record.put("classLabels", List.of());
    record.put(
        "reason", new GenericData.EnumSymbol(foreign.getField("reason").schema(), "GDPR_ERASURE"));
    record.put("requestedAt", 1_767_225_600_000L);
    byte[] framed = confluentFramed(id, foreign, record);
    DeletionRequest read =
        serdes.serde(DeletionRequest.class).deserializer().deserialize("any", framed);
    assertEquals("req-foreign-1", read.getRequestId());
    assertEquals(DeletionScope.SUBJECT, read.getScope());
    assertEquals(DeletionReason.GDPR_ERASURE, read.getReason());
    assertEquals(Instant.ofEpochMilli(1_767_225_600_000L), read.getRequestedAt());
    // Control: a record of a name Lethe has no type for is still refused.
    Schema other =
        SchemaBuilder.record("Erasure")
            .namespace("com.example.privacy")
            .fields()
            .requiredString("requestId")
            .endRecord();
    HttpResponse<String> otherSubject =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(registry.ccompatUrl() + "/subjects/other-value/versions"))
                .header("Content-Type", SCHEMAREGISTRY_JSON)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("schema", other.toString()))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, otherSubject.statusCode(), otherSubject.body());
    GenericRecord erasure = new GenericData.Record(other);
    erasure.put("requestId", "req-other");
    byte[] otherFramed =
        confluentFramed(JSON.readTree(otherSubject.body()).path("id").asInt(), other, erasure);
    var deserializer = serdes.serde(DeletionRequest.class).deserializer();
    assertThrows(SerializationException.class, () -> deserializer.deserialize("any", otherFramed));
  }

  private static byte[] confluentFramed(int id, Schema schema, GenericRecord record)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static HttpResponse<String> register(String schema) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(registry.ccompatUrl() + "/subjects/" + enc(subject) + "/versions"))
            .header("Content-Type", SCHEMAREGISTRY_JSON)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.writeValueAsString(Map.of("schema", schema))))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + path))
            .header("Accept", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
