package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.ModelVersion;
import io.lethe.kafka.AvroSerdes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The scenario in the embedded mode: Avro's single-object encoding, {@code C3 01}, the schema's
 * 8-byte CRC-64-AVRO fingerprint (little-endian), then Avro binary. The independent encoder writes
 * exactly that by hand, without Avro's {@code BinaryMessageEncoder} that Lethe's serde uses.
 */
abstract class SingleObjectPipelineScenario extends PipelineScenario {

  @Override
  protected AvroSerdes serdes() {
    return AvroSerdes.embedded();
  }

  @Override
  protected byte[] encodeIndependently(String topic, DeletionRequest request) throws Exception {
    Schema schema = DeletionRequest.getClassSchema();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xC3);
    out.write(0x01);
    out.write(
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(SchemaNormalization.parsingFingerprint64(schema))
            .array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<DeletionRequest>(schema).write(request, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @Override
  protected void assertFramed(String topic, byte[] value) {
    assertEquals((byte) 0xC3, value[0], hex(value, 12));
    assertEquals((byte) 0x01, value[1], hex(value, 12));
    long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(
        SchemaNormalization.parsingFingerprint64(ModelVersion.getClassSchema()),
        fingerprint,
        hex(value, 12));
  }

  /** The single-object marker with a fingerprint of no known schema. */
  @Override
  protected byte[] framedGarbage() {
    return new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 2, 'x'};
  }
}
