package io.lethe.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards the topic contracts: every released schema (a copy kept under {@code released/vN}) must
 * stay readable by the current generated classes, so a change cannot break producers silently.
 */
class SchemaEvolutionTest {

  private static final Map<String, Schema> CURRENT =
      Map.of(
          "DeletionRequest", DeletionRequest.getClassSchema(),
          "TrainingLineage", TrainingLineage.getClassSchema(),
          "UnlearningBatch", UnlearningBatch.getClassSchema(),
          "ModelVersion", ModelVersion.getClassSchema(),
          "RequestReceipt", RequestReceipt.getClassSchema());

  /** Schemas without a released copy yet: checked for docs and defaults only. */
  private static final Map<String, Schema> UNRELEASED =
      Map.of(
          "AliasEvent", AliasEvent.getClassSchema(),
          "ModelRegistration", ModelRegistration.getClassSchema(),
          "RegistrationRequest", RegistrationRequest.getClassSchema(),
          "RegistrationOutcome", RegistrationOutcome.getClassSchema());

  @ParameterizedTest
  @ValueSource(strings = {"v1"})
  void currentSchemasReadEveryReleasedSchema(String release) {
    Map<String, Schema> released = loadRelease(release);
    assertEquals(CURRENT.keySet(), released.keySet(), "every topic schema has a released copy");
    for (var entry : released.entrySet()) {
      var result =
          SchemaCompatibility.checkReaderWriterCompatibility(
              CURRENT.get(entry.getKey()), entry.getValue());
      assertEquals(
          SchemaCompatibilityType.COMPATIBLE,
          result.getType(),
          entry.getKey() + " " + release + ": " + result.getResult().getIncompatibilities());
    }
  }

  @Test
  void theCheckRejectsAFieldAddedWithoutDefault() {
    Schema old = loadRelease("v1").get("RequestReceipt");
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : RequestReceipt.getClassSchema().getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("mandatory", Schema.create(Schema.Type.STRING), "no default"));
    Schema broken = Schema.createRecord("RequestReceipt", null, "io.lethe.avro", false, fields);
    assertNotEquals(
        SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(broken, old).getType());
  }

  @Test
  void everyFieldIsDocumentedAndEveryEnumHasADefault() {
    for (Schema schema : CURRENT.values()) {
      checkDocumented(schema, new ArrayList<>());
    }
    for (Schema schema : UNRELEASED.values()) {
      checkDocumented(schema, new ArrayList<>());
    }
  }

  private static void checkDocumented(Schema schema, List<String> seen) {
    if (seen.contains(schema.getFullName())) {
      return;
    }
    switch (schema.getType()) {
      case RECORD -> {
        seen.add(schema.getFullName());
        assertTrue(schema.getDoc() != null, schema.getFullName() + " has no doc");
        for (Schema.Field field : schema.getFields()) {
          assertTrue(
              field.doc() != null && !field.doc().isBlank(),
              schema.getName() + "." + field.name() + " has no doc");
          checkDocumented(field.schema(), seen);
        }
      }
      case ENUM -> {
        seen.add(schema.getFullName());
        assertTrue(schema.getEnumDefault() != null, schema.getFullName() + " has no default");
      }
      case ARRAY -> checkDocumented(schema.getElementType(), seen);
      case UNION -> schema.getTypes().forEach(t -> checkDocumented(t, seen));
      default -> {}
    }
  }

  private static Map<String, Schema> loadRelease(String release) {
    Schema.Parser parser = new Schema.Parser();
    for (String common : List.of("DeletionScope", "DeletionReason")) {
      parse(parser, "/released/" + release + "/common/" + common + ".avsc");
    }
    Map<String, Schema> schemas = new java.util.HashMap<>();
    for (String name : CURRENT.keySet()) {
      schemas.put(name, parse(parser, "/released/" + release + "/" + name + ".avsc"));
    }
    return schemas;
  }

  private static Schema parse(Schema.Parser parser, String resource) {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      return parser.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
