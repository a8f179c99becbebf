package io.lethe.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
