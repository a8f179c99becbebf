import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import io.apicurio.registry.serde.strategy.TopicIdStrategy;
import io.lethe.avro.DeletionReason;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends one Lethe deletion request from Java with the generated {@code io.lethe.avro} classes (the
 * {@code lethe-avro} jar), kafka-clients and, in registry mode, Apicurio's serializer
 * (docs/producers.md):
 *
 * <pre>
 * java -cp "$CLASSPATH" SendDeletionRequest.java --bootstrap-servers localhost:9092 --subject subject-0042
 * java ... --samples 3,14 --model mnist-mlp
 * java ... --registry http://localhost:8080/apis/registry/v3
 * </pre>
 *
 * Without {@code --registry}: embedded mode, Avro single-object encoding, which the generated
 * classes write themselves ({@code toByteBuffer}). With it: Confluent's framing through Apicurio's
 * core API, with the settings Lethe itself uses (content id, 4 bytes, no headers,
 * {@code <topic>-value}).
 */
public final class SendDeletionRequest {
  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i], argv[i + 1]);
    }
    String bootstrap = args.get("--bootstrap-servers");
    if (bootstrap == null) {
      throw new IllegalArgumentException("--bootstrap-servers is required");
    }
    String topic = args.getOrDefault("--topic", "lethe.deletion-requests");
    DeletionRequest.Builder request =
        DeletionRequest.newBuilder()
            .setRequestId(args.getOrDefault("--id", "req-" + UUID.randomUUID()))
            .setModelIds(list(args.get("--model")))
            .setReason(DeletionReason.valueOf(args.getOrDefault("--reason", "OTHER")))
            .setRequestedAt(Instant.now())
            .setSource("java example");
    if (args.containsKey("--subject")) {
      request.setScope(DeletionScope.SUBJECT).setSubjectId(args.get("--subject"));
    } else if (args.containsKey("--samples")) {
      request
          .setScope(DeletionScope.SAMPLES)
          .setSampleIds(list(args.get("--samples")).stream().map(Long::valueOf).toList());
    } else if (args.containsKey("--class")) {
      request
          .setScope(DeletionScope.CLASS)
          .setClassLabels(list(args.get("--class")).stream().map(Integer::valueOf).toList());
    } else {
      throw new IllegalArgumentException("give --subject, --samples or --class");
    }
    DeletionRequest value = request.build();
    byte[] bytes;
    if (args.containsKey("--registry")) {
      Map<String, Object> config = new HashMap<>();
      config.put(SerdeConfig.REGISTRY_URL, args.get("--registry"));
      config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
      config.put(SerdeConfig.ARTIFACT_RESOLVER_STRATEGY, TopicIdStrategy.class.getName());
      config.put(SerdeConfig.ID_HANDLER, Default4ByteIdHandler.class.getName());
      config.put(SerdeConfig.USE_ID, IdOption.contentId.name());
      config.put(KafkaSerdeConfig.ENABLE_HEADERS, false);
      config.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, true);
      config.put(AvroSerdeConfig.AVRO_ENCODING, AvroSerdeConfig.AVRO_ENCODING_BINARY);
      try (AvroKafkaSerializer<DeletionRequest> serializer = new AvroKafkaSerializer<>()) {
        serializer.configure(config, false);
        bytes = serializer.serialize(topic, value);
      }
    } else {
      ByteBuffer encoded = value.toByteBuffer(); // C3 01 | fingerprint | Avro binary
      bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
    }
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (var producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
      // Keyed by the request id, as Lethe requires.
      producer.send(new ProducerRecord<>(topic, value.getRequestId(), bytes)).get();
    }
    System.out.println(value.getRequestId());
  }

  private static List<String> list(String commaSeparated) {
    List<String> items = new ArrayList<>();
    if (commaSeparated != null) {
      for (String s : commaSeparated.split(",")) {
        if (!s.isBlank()) {
          items.add(s.strip());
        }
      }
    }
    return items;
  }
}
