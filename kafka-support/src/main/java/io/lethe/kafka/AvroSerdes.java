package io.lethe.kafka;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place that decides how Lethe's Avro records are serialized. Everything that needs a serde
 * for a generated class asks this factory, so switching between the embedded encoding and a schema
 * registry is a configuration change only.
 */
public final class AvroSerdes {

  /**
   * Base URL of the Apicurio Registry (core API, e.g. {@code http://host:8080/apis/registry/v3}).
   */
  public static final String REGISTRY_URL = "lethe.schema-registry.url";

  /** {@code embedded} (default) or {@code registry}. */
  public static final String MODE = "lethe.serialization";

  private final SerializationMode mode;
  private final String registryUrl;

  public AvroSerdes(SerializationMode mode, String registryUrl) {
    if (mode == SerializationMode.REGISTRY && (registryUrl == null || registryUrl.isBlank())) {
      throw new IllegalArgumentException(
          "serialization mode REGISTRY needs " + REGISTRY_URL + " to be set");
    }
    this.mode = mode;
    this.registryUrl = registryUrl;
  }

  public static AvroSerdes embedded() {
    return new AvroSerdes(SerializationMode.EMBEDDED, null);
  }

  /** Reads {@link #MODE} and {@link #REGISTRY_URL}; a registry URL alone implies REGISTRY. */
  public static AvroSerdes fromConfig(Map<String, ?> config) {
    Object url = config.get(REGISTRY_URL);
    Object mode = config.get(MODE);
    SerializationMode chosen =
        mode != null
            ? SerializationMode.valueOf(mode.toString().trim().toUpperCase(java.util.Locale.ROOT))
            : url != null ? SerializationMode.REGISTRY : SerializationMode.EMBEDDED;
    return new AvroSerdes(chosen, url == null ? null : url.toString());
  }

  public SerializationMode mode() {
    return mode;
  }

  /** A value serde for a generated Avro class. */
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    return switch (mode) {
      case EMBEDDED -> new SingleObjectSerde<>(type);
      case REGISTRY -> registrySerde(type);
    };
  }

  private <T extends SpecificRecord> Serde<T> registrySerde(Class<T> type) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.REGISTRY_URL, registryUrl);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
    config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
    Serializer<T> serializer = new AvroKafkaSerializer<>();
    Deserializer<T> deserializer = new AvroKafkaDeserializer<>();
    serializer.configure(config, false);
    deserializer.configure(config, false);
    return Serdes.serdeFrom(serializer, deserializer);
  }

  /**
   * Avro single-object encoding. Decoding failures become Kafka {@link SerializationException}s so
   * the clients' deserialization handlers (and the dead-letter path) see them.
   */
  static final class SingleObjectSerde<T extends SpecificRecord>
      implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    SingleObjectSerde(Class<T> type) {
      SpecificData model = SpecificData.getForClass(type);
      Schema schema = model.getSchema(type);
      this.type = type;
      this.encoder = new BinaryMessageEncoder<>(model, schema);
      this.decoder = new BinaryMessageDecoder<>(model, schema);
    }

    @Override
    public byte[] serialize(String topic, T data) {
      if (data == null) {
        return null;
      }
      try {
        ByteBuffer buffer = encoder.encode(data);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
      } catch (IOException | AvroRuntimeException e) {
        throw new SerializationException("cannot encode " + type.getSimpleName(), e);
      }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      try {
        return decoder.decode(data);
      } catch (IOException | AvroRuntimeException e) {
        throw new SerializationException(
            "not a " + type.getSimpleName() + " in Avro single-object encoding: " + e.getMessage(),
            e);
      }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<T> serializer() {
      return this;
    }

    @Override
    public Deserializer<T> deserializer() {
      return this;
    }
  }
}
