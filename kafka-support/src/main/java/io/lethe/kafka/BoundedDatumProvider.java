package io.lethe.kafka;

import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;

/**
 * Apicurio's default datum provider, with every binary read going through a {@link BoundedDecoder}:
 * in REGISTRY mode the same {@link AvroLimits} hold as in the embedded encoding. Apicurio
 * instantiates it by class name ({@code apicurio.registry.avro-datum-provider}).
 */
public final class BoundedDatumProvider<T> extends DefaultAvroDatumProvider<T> {
  private AvroLimits limits = AvroLimits.DEFAULT;

  @Override
  public void configure(AvroSerdeConfig config) {
    super.configure(config);
    limits = AvroLimits.fromConfig(config.originals());
  }

  @Override
  public DatumReader<T> createDatumReader(Schema schema) {
    DatumReader<T> reader = super.createDatumReader(schema);
    AvroLimits bound = limits;
    return new DatumReader<>() {
      @Override
      public void setSchema(Schema s) {
        reader.setSchema(s);
      }

      @Override
      public T read(T reuse, Decoder in) throws IOException {
        return reader.read(
            reuse, in instanceof BinaryDecoder binary ? new BoundedDecoder(binary, bound) : in);
      }
    };
  }
}
