package io.lethe.kafka;

import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import io.lethe.avro.DeletionRequest;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Apicurio's default datum provider, with every binary read going through a {@link BoundedDecoder}:
 * in REGISTRY mode the same {@link AvroLimits} hold as in the embedded encoding. Apicurio
 * instantiates it by class name ({@code apicurio.registry.avro-datum-provider}).
 */
public final class BoundedDatumProvider<T> extends DefaultAvroDatumProvider<T> {
  /** Where Lethe's generated record classes live. */
  private static final String LETHE_NAMESPACE = DeletionRequest.class.getPackageName();

  private AvroLimits limits = AvroLimits.DEFAULT;

  @Override
  public void configure(AvroSerdeConfig config) {
    super.configure(config);
    limits = AvroLimits.fromConfig(config.originals());
  }

  @Override
  public DatumReader<T> createDatumReader(Schema schema) {
    DatumReader<T> reader;
    try {
      reader = super.createDatumReader(schema);
    } catch (RuntimeException noSuchClass) {
      reader = lethesOwn(schema, noSuchClass);
    }
    return bounded(reader);
  }

  /**
   * A record written under another namespace ({@code com.example.privacy.DeletionRequest}) has no
   * generated class, so Apicurio's specific reader cannot find one: it is read as Lethe's own
   * record of the same name ({@code io.lethe.avro.DeletionRequest}) by Avro's schema resolution,
   * writer's schema against Lethe's. A producer may keep its own namespace (docs/producers.md); a
   * record of any other name is still refused.
   */
  @SuppressWarnings("unchecked")
  private static <T> DatumReader<T> lethesOwn(Schema writer, RuntimeException noSuchClass) {
    if (writer.getType() != Schema.Type.RECORD) {
      throw noSuchClass;
    }
    Class<?> own;
    try {
      own = Class.forName(LETHE_NAMESPACE + "." + writer.getName());
    } catch (ClassNotFoundException e) {
      throw noSuchClass;
    }
    if (!SpecificRecord.class.isAssignableFrom(own)) {
      throw noSuchClass;
    }
    return new SpecificDatumReader<>(writer, SpecificData.get().getSchema(own));
  }

  private DatumReader<T> bounded(DatumReader<T> reader) {
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
