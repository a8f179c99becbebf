package io.lethe.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** Lengths a record claims are checked before Avro allocates for them, in both modes. */
class AvroLimitsTest {
  private final Deserializer<DeletionRequest> embedded =
      AvroSerdes.embedded().serde(DeletionRequest.class).deserializer();

  /**
   * A DeletionRequest in Avro binary (no header) that is valid up to its sample-id array, whose
   * block count claims {@code count} items; {@code tail} bytes of padding follow.
   */
  static byte[] claimingSampleIds(long count, int tail) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    enc.writeString("poison");
    enc.writeEnum(DeletionScope.SAMPLES.ordinal());
    enc.writeIndex(0); // subjectId: null
    enc.writeArrayStart();
    enc.setItemCount(1);
    enc.startItem();
    enc.writeString("mnist-mlp");
    enc.writeArrayEnd();
    enc.writeLong(count); // sampleIds: one block of `count` longs
    enc.flush();
    out.write(new byte[tail]);
    return out.toByteArray();
  }

  /** The same with the single-object header of DeletionRequest in front. */
  private static byte[] framed(byte[] body) {
    byte[] valid =
        AvroSerdes.embedded()
            .serde(DeletionRequest.class)
            .serializer()
            .serialize("t", AvroSerdesTest.request("r"));
    byte[] out = Arrays.copyOf(valid, 10 + body.length);
    System.arraycopy(body, 0, out, 10, body.length);
    return out;
  }

  @Test
  void aFortyTwoByteRecordClaimingTwoBillionSampleIdsIsRefusedBeforeAllocation()
      throws IOException {
    byte[] poison = framed(claimingSampleIds(2_000_000_000L, 6));
    assertEquals(42, poison.length);
    AvroLimitException e =
        assertThrows(AvroLimitException.class, () -> embedded.deserialize("t", poison));
    assertTrue(e.getMessage().contains("2000000000 items"), e.getMessage());
  }

  @Test
  void aCountWithinTheCapButBeyondTheBytesLeftIsRefused() throws IOException {
    byte[] poison = framed(claimingSampleIds(500, 12));
    AvroLimitException e =
        assertThrows(AvroLimitException.class, () -> embedded.deserialize("t", poison));
    assertTrue(e.getMessage().contains("bytes are left"), e.getMessage());
  }

  @Test
  void aStringLengthBeyondTheRecordIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    enc.writeLong(1_500_000_000L); // requestId claims 1.5 GB
    enc.flush();
    out.write(new byte[8]);
    byte[] poison = framed(out.toByteArray());
    AvroLimitException e =
        assertThrows(AvroLimitException.class, () -> embedded.deserialize("t", poison));
    assertTrue(e.getMessage().contains("string of 1500000000 bytes"), e.getMessage());
  }

  @Test
  void theCapsAreConfigurableAndAValidRecordUnderThemDecodes() {
    DeletionRequest big =
        DeletionRequest.newBuilder(AvroSerdesTest.request("r-big"))
            .setSampleIds(LongStream.range(0, 1000).boxed().toList())
            .build();
    byte[] bytes =
        AvroSerdes.embedded().serde(DeletionRequest.class).serializer().serialize("t", big);
    // Control: the default caps let a real request through.
    assertEquals(big, embedded.deserialize("t", bytes));
    Deserializer<DeletionRequest> strict =
        AvroSerdes.fromConfig(Map.of(AvroLimits.MAX_COLLECTION_ITEMS, "999"))
            .serde(DeletionRequest.class)
            .deserializer();
    AvroLimitException e =
        assertThrows(AvroLimitException.class, () -> strict.deserialize("t", bytes));
    assertTrue(e.getMessage().contains(AvroLimits.MAX_COLLECTION_ITEMS), e.getMessage());
    Deserializer<DeletionRequest> shortStrings =
        AvroSerdes.fromConfig(Map.of(AvroLimits.MAX_STRING_BYTES, "4"))
            .serde(DeletionRequest.class)
            .deserializer();
    assertThrows(AvroLimitException.class, () -> shortStrings.deserialize("t", bytes));
  }

  @Test
  void registryModeReadsThroughTheSameBounds() throws IOException {
    BoundedDatumProvider<DeletionRequest> provider = new BoundedDatumProvider<>();
    provider.configure(
        new io.apicurio.registry.serde.avro.AvroSerdeConfig(
            Map.of(
                "apicurio.registry.use-specific-avro-reader",
                true,
                AvroLimits.MAX_COLLECTION_ITEMS,
                10)));
    var reader = provider.createDatumReader(DeletionRequest.getClassSchema());
    byte[] poison = claimingSampleIds(2_000_000_000L, 12);
    assertThrows(
        AvroLimitException.class,
        () -> reader.read(null, DecoderFactory.get().binaryDecoder(poison, null)));
    byte[] eleven = claimingSampleIds(11, 40);
    AvroLimitException e =
        assertThrows(
            AvroLimitException.class,
            () -> reader.read(null, DecoderFactory.get().binaryDecoder(eleven, null)));
    assertTrue(e.getMessage().contains("limit of 10"), e.getMessage());
    // Control: the same reader decodes a real record.
    byte[] valid =
        AvroSerdes.embedded()
            .serde(DeletionRequest.class)
            .serializer()
            .serialize("t", AvroSerdesTest.request("ok"));
    DeletionRequest read =
        reader.read(null, DecoderFactory.get().binaryDecoder(valid, 10, valid.length - 10, null));
    assertEquals(List.of(1L, 2L, 3L), read.getSampleIds());
  }
}
