package io.lethe.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionReason;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.RequestReceipt;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

  static DeletionRequest request(String id) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.SAMPLES)
        .setModelIds(List.of("mnist-mlp"))
        .setSampleIds(List.of(1L, 2L, 3L))
        .setReason(DeletionReason.GDPR_ERASURE)
        .setRequestedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();
  }

  @Test
  void embeddedModeRoundTripsWithTheSingleObjectHeader() {
    Serde<DeletionRequest> serde = AvroSerdes.embedded().serde(DeletionRequest.class);
    byte[] bytes = serde.serializer().serialize("t", request("r-1"));
    // Avro single-object encoding starts with the marker C3 01.
    assertArrayEquals(new byte[] {(byte) 0xC3, 0x01}, new byte[] {bytes[0], bytes[1]});
    assertEquals(request("r-1"), serde.deserializer().deserialize("t", bytes));
  }

  @Test
  void garbageAndForeignRecordsAreSerializationExceptions() {
    Serde<DeletionRequest> serde = AvroSerdes.embedded().serde(DeletionRequest.class);
    byte[] garbage = "{\"requestId\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertThrows(
        SerializationException.class, () -> serde.deserializer().deserialize("t", garbage));
    byte[] receipt =
        AvroSerdes.embedded()
            .serde(RequestReceipt.class)
            .serializer()
            .serialize(
                "t",
                RequestReceipt.newBuilder()
                    .setRequestId("r")
                    .setStatus(io.lethe.avro.ReceiptStatus.ACCEPTED)
                    .build());
    assertThrows(
        SerializationException.class, () -> serde.deserializer().deserialize("t", receipt));
  }

  @Test
  void modeComesFromConfiguration() {
    assertEquals(SerializationMode.EMBEDDED, AvroSerdes.fromConfig(Map.of()).mode());
    assertEquals(
        SerializationMode.REGISTRY,
        AvroSerdes.fromConfig(
                Map.of(AvroSerdes.REGISTRY_URL, "http://localhost:1/apis/registry/v3"))
            .mode());
    assertThrows(
        IllegalArgumentException.class,
        () -> AvroSerdes.fromConfig(Map.of(AvroSerdes.MODE, "registry")));
  }

  @Test
  void registryModeRejectsWhatIsNotConfluentFramedWithoutAskingTheRegistry() {
    // Nothing listens on port 1: a lookup would fail differently (and only after retries).
    Serde<DeletionRequest> serde =
        new AvroSerdes(SerializationMode.REGISTRY, "http://127.0.0.1:1/apis/registry/v3")
            .serde(DeletionRequest.class);
    byte[] singleObject =
        AvroSerdes.embedded()
            .serde(DeletionRequest.class)
            .serializer()
            .serialize("t", request("r"));
    for (byte[] bytes :
        List.of(
            new byte[0],
            new byte[] {0, 0, 0},
            "{not avro}".getBytes(StandardCharsets.UTF_8),
            singleObject)) {
      SerializationException e =
          assertThrows(
              SerializationException.class, () -> serde.deserializer().deserialize("t", bytes));
      assertTrue(e.getMessage().contains("Confluent wire format"), e.getMessage());
    }
  }

  @Test
  void registryModeTurnsALookupFailureIntoASerializationException() {
    Serde<DeletionRequest> serde =
        new AvroSerdes(SerializationMode.REGISTRY, "http://127.0.0.1:1/apis/registry/v3")
            .serde(DeletionRequest.class);
    byte[] framed = {0, 0, 0, 0, 42, 2, 'x'};
    SerializationException e =
        assertThrows(
            SerializationException.class, () -> serde.deserializer().deserialize("t", framed));
    assertTrue(e.getMessage().contains("schema id 42"), e.getMessage());
  }

  @Test
  void registryModeStatesTheConfluentFramingExplicitly() {
    Map<String, Object> config = AvroSerdes.registryConfig("http://registry/apis/registry/v3");
    assertEquals(false, config.get("apicurio.registry.headers.enabled"));
    assertEquals("contentId", config.get("apicurio.registry.use-id"));
    assertEquals(true, config.get("apicurio.registry.dereference-schema"));
    assertEquals(
        "io.apicurio.registry.serde.Default4ByteIdHandler",
        config.get("apicurio.registry.id-handler"));
    assertEquals(
        "io.apicurio.registry.serde.strategy.TopicIdStrategy",
        config.get("apicurio.registry.artifact-resolver-strategy"));
  }
}
