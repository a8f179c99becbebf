package io.lethe.kafka;

import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import io.apicurio.registry.serde.strategy.TopicIdStrategy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
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
  private final AvroLimits limits;

  public AvroSerdes(SerializationMode mode, String registryUrl) {
    this(mode, registryUrl, AvroLimits.DEFAULT);
  }

  public AvroSerdes(SerializationMode mode, String registryUrl, AvroLimits limits) {
    if (mode == SerializationMode.REGISTRY && (registryUrl == null || registryUrl.isBlank())) {
      throw new IllegalArgumentException(
          "serialization mode REGISTRY needs " + REGISTRY_URL + " to be set");
    }
    this.mode = mode;
    this.registryUrl = registryUrl;
    this.limits = limits;
  }

  public static AvroSerdes embedded() {
    return new AvroSerdes(SerializationMode.EMBEDDED, null);
  }

  /**
   * Reads {@link #MODE}, {@link #REGISTRY_URL} and the {@link AvroLimits} settings; a registry URL
   * alone implies REGISTRY.
   */
  public static AvroSerdes fromConfig(Map<String, ?> config) {
    Object url = config.get(REGISTRY_URL);
    Object mode = config.get(MODE);
    SerializationMode chosen =
        mode != null
            ? SerializationMode.valueOf(mode.toString().trim().toUpperCase(java.util.Locale.ROOT))
            : url != null ? SerializationMode.REGISTRY : SerializationMode.EMBEDDED;
    return new AvroSerdes(
        chosen, url == null ? null : url.toString(), AvroLimits.fromConfig(config));
  }

  public SerializationMode mode() {
    return mode;
  }

  /** The registry's core API URL (REGISTRY mode), or null. */
  public String registryUrl() {
    return registryUrl;
  }

  /** The caps every decoder of this factory checks before allocating. */
  public AvroLimits limits() {
    return limits;
  }

  /** A value serde for a generated Avro class. */
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    return switch (mode) {
      case EMBEDDED -> new SingleObjectSerde<>(type, limits);
      case REGISTRY -> registrySerde(type);
    };
  }

  private <T extends SpecificRecord> Serde<T> registrySerde(Class<T> type) {
    Map<String, Object> config = registryConfig(registryUrl);
    config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, BoundedDatumProvider.class.getName());
    config.put(AvroLimits.MAX_COLLECTION_ITEMS, limits.maxCollectionItems());
    config.put(AvroLimits.MAX_STRING_BYTES, limits.maxStringBytes());
    AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
    AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
    serializer.configure(config, false);
    deserializer.configure(config, false);
    return new ConfluentFramedSerde<>(type, registryUrl, serializer, deserializer);
  }

  /**
   * The Apicurio serde settings of REGISTRY mode. Each one that decides the wire format is stated
   * here rather than inherited from Apicurio's defaults, so an upgrade cannot change the framing
   * silently: Confluent's framing (magic byte 0, then the schema's 4-byte big-endian id, then Avro
   * binary), no schema headers, and the id is the registry's <em>content</em> id, which is the id
   * Apicurio's Confluent-compatible API ({@code /apis/ccompat/v7/schemas/ids/{id}}) serves. The
   * subject is Confluent's default, {@code <topic>-value}, and the schema is registered whole, as
   * Confluent's serializer registers it: by default Apicurio's Avro serializer registers every
   * nested named type (an enum, a record) as an artifact of its own and the record's schema as a
   * text that only names them, which a reader that does not follow references cannot parse.
   */
  static Map<String, Object> registryConfig(String registryUrl) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.REGISTRY_URL, registryUrl);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
    config.put(SerdeConfig.ARTIFACT_RESOLVER_STRATEGY, TopicIdStrategy.class.getName());
    config.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, true);
    config.put(KafkaSerdeConfig.ENABLE_HEADERS, false);
    config.put(SerdeConfig.ID_HANDLER, Default4ByteIdHandler.class.getName());
    config.put(SerdeConfig.USE_ID, IdOption.contentId.name());
    config.put(AvroSerdeConfig.AVRO_ENCODING, AvroSerdeConfig.AVRO_ENCODING_BINARY);
    config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
    return config;
  }

  /**
   * Apicurio's serializer and deserializer in Confluent's framing, with the same failure contract
   * as {@link SingleObjectSerde}: whatever goes wrong while decoding (a foreign first byte, an id
   * the registry does not know, bytes that do not match the schema, a record of another type)
   * becomes a Kafka {@link SerializationException}, which the topology dead-letters. Apicurio
   * itself throws {@code IllegalStateException}s and client exceptions for these.
   */
  static final class ConfluentFramedSerde<T extends SpecificRecord>
      implements Serde<T>, Serializer<T>, Deserializer<T> {
    /** Confluent's magic byte, then a 4-byte schema id. */
    static final byte MAGIC_BYTE = 0;

    static final int HEADER_SIZE = 5;

    private final Class<T> type;
    private final String registryUrl;
    private final Serializer<T> serializer;
    private final Deserializer<T> deserializer;

    ConfluentFramedSerde(
        Class<T> type, String registryUrl, Serializer<T> serializer, Deserializer<T> deserializer) {
      this.type = type;
      this.registryUrl = registryUrl;
      this.serializer = serializer;
      this.deserializer = deserializer;
    }

    @Override
    public byte[] serialize(String topic, T data) {
      if (data == null) {
        return null;
      }
      try {
        return serializer.serialize(topic, data);
      } catch (SerializationException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SerializationException(
            "cannot encode "
                + type.getSimpleName()
                + " for "
                + topic
                + " through the schema registry at "
                + registryUrl
                + ": "
                + e,
            e);
      }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      if (data.length < HEADER_SIZE || data[0] != MAGIC_BYTE) {
        throw new SerializationException(
            "not a "
                + type.getSimpleName()
                + " in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary): "
                + (data.length == 0
                    ? "empty value"
                    : String.format("first byte 0x%02x, %d bytes", data[0] & 0xff, data.length)));
      }
      int schemaId = ByteBuffer.wrap(data, 1, 4).getInt();
      Object value;
      try {
        value = deserializer.deserialize(topic, data);
      } catch (RuntimeException e) {
        AvroLimitException limit = limitCause(e);
        if (limit != null) {
          throw limit;
        }
        throw new SerializationException(
            "cannot decode a "
                + type.getSimpleName()
                + " written with schema id "
                + schemaId
                + " (registry at "
                + registryUrl
                + "): "
                + e,
            e);
      }
      if (!type.isInstance(value)) {
        throw new SerializationException(
            "schema id "
                + schemaId
                + " describes "
                + (value == null ? "nothing" : value.getClass().getName())
                + ", not a "
                + type.getName());
      }
      return type.cast(value);
    }

    private static AvroLimitException limitCause(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof AvroLimitException limit) {
          return limit;
        }
      }
      return null;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {
      serializer.close();
      deserializer.close();
    }

    @Override
    public Serializer<T> serializer() {
      return this;
    }

    @Override
    public Deserializer<T> deserializer() {
      return this;
    }
  }

  /**
   * Avro single-object encoding. Decoding failures become Kafka {@link SerializationException}s so
   * the clients' deserialization handlers (and the dead-letter path) see them.
   */
  static final class SingleObjectSerde<T extends SpecificRecord>
      implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Class<T> type;

    /** Single-object encoding's marker (C3 01), then the schema's 8-byte fingerprint. */
    private static final int HEADER_SIZE = 10;

    private final BinaryMessageEncoder<T> encoder;
    private final SpecificDatumReader<T> reader;
    private final byte[] header;
    private final AvroLimits limits;

    SingleObjectSerde(Class<T> type, AvroLimits limits) {
      SpecificData model = SpecificData.getForClass(type);
      Schema schema = model.getSchema(type);
      this.type = type;
      this.limits = limits;
      // No copy inside Avro: its buffer is per thread and reused, and serialize copies it out once.
      this.encoder = new BinaryMessageEncoder<>(model, schema, false);
      this.reader = new SpecificDatumReader<>(schema, schema, model);
      this.header =
          ByteBuffer.allocate(HEADER_SIZE)
              .order(ByteOrder.LITTLE_ENDIAN)
              .put((byte) 0xC3)
              .put((byte) 0x01)
              .putLong(SchemaNormalization.parsingFingerprint64(schema))
              .array();
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
      if (data.length < HEADER_SIZE
          || !Arrays.equals(data, 0, HEADER_SIZE, header, 0, HEADER_SIZE)) {
        throw new SerializationException(
            "not a "
                + type.getSimpleName()
                + " in Avro single-object encoding: "
                + (data.length < 2 || data[0] != header[0] || data[1] != header[1]
                    ? "no single-object marker"
                    : "written with another schema (fingerprint differs)"));
      }
      try {
        // Our own decoding rather than BinaryMessageDecoder's: every length is bounded first.
        BinaryDecoder binary =
            DecoderFactory.get().binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, null);
        return reader.read(null, new BoundedDecoder(binary, limits));
      } catch (AvroLimitException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
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
