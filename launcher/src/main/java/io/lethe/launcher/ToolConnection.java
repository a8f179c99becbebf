package io.lethe.launcher;

import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicAdmin;
import io.lethe.kafka.TopicNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where the tools ({@code lethe request}, {@code status}, {@code pending}, {@code dlq}, {@code
 * lineage}) find a deployment: the services' own settings, under the same names (Kafka, the
 * serialization, {@code -p lethe.processor.kafka.*} for security, {@code lethe.topic.*}), plus the
 * registry's and the processors' HTTP addresses.
 */
final class ToolConnection {
  /** The tools' own variables, so that a service started in the same environment accepts them. */
  static final Set<String> VARIABLES = Set.of("LETHE_REGISTRY_URL", "LETHE_PROCESSOR_URL");

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "${env:LETHE_BOOTSTRAP_SERVERS:-localhost:9092}",
      description = "Kafka (LETHE_BOOTSTRAP_SERVERS). Default: ${DEFAULT-VALUE}.")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      defaultValue = "${env:LETHE_SCHEMA_REGISTRY_URL}",
      description =
          "Apicurio Registry core API URL, when the deployment uses registry serialization"
              + " (LETHE_SCHEMA_REGISTRY_URL).")
  String schemaRegistryUrl;

  @Option(
      names = "--registry-url",
      defaultValue = "${env:LETHE_REGISTRY_URL:-http://localhost:8081}",
      description = "Lethe's model registry (LETHE_REGISTRY_URL). Default: ${DEFAULT-VALUE}.")
  String registryUrl;

  @Option(
      names = "--processor-url",
      split = ",",
      defaultValue = "${env:LETHE_PROCESSOR_URL:-http://127.0.0.1:9404}",
      description =
          "A processor's metrics address, where it answers store queries; give every processor"
              + " of the deployment for `pending` (LETHE_PROCESSOR_URL). Default: ${DEFAULT-VALUE}.")
  List<String> processorUrls;

  @Option(
      names = {"-p", "--property"},
      description =
          "A property as the processor takes it, e.g. -p"
              + " lethe.processor.kafka.security.protocol=SASL_SSL, -p lethe.serialization=registry,"
              + " -p lethe.topic.dead-letter=…; an unknown key is refused.")
  Map<String, String> properties = new HashMap<>();

  private ProcessorOptions checked;

  /** The properties, checked as the processor checks them (its environment is not theirs). */
  private ProcessorOptions options() {
    if (checked == null) {
      ProcessorOptions options = new ProcessorOptions();
      options.properties = new HashMap<>(properties);
      options.check(Map.of());
      checked = options;
    }
    return checked;
  }

  /** The Kafka client settings ({@code lethe.processor.kafka.*}, without the prefix). */
  Map<String, Object> kafkaClient() {
    return options().kafkaClient();
  }

  /** The topics with the deployment's serialization; fails in one line if Kafka is unreachable. */
  LetheTopics topics() {
    Map<String, Object> config = options().serdeConfig();
    if (schemaRegistryUrl != null && !schemaRegistryUrl.isBlank()) {
      config.put(AvroSerdes.REGISTRY_URL, schemaRegistryUrl);
    }
    LetheTopics topics =
        new LetheTopics(TopicNames.fromConfig(config), AvroSerdes.fromConfig(config));
    TopicAdmin.requireReachable(bootstrapServers, kafkaClient());
    return topics;
  }

  /** A Kafka client's settings: the bootstrap servers and the client settings. */
  Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>(kafkaClient());
    config.put("bootstrap.servers", bootstrapServers);
    return config;
  }

  HttpJson registry() {
    return new HttpJson("the registry", registryUrl);
  }

  List<HttpJson> processors() {
    return processorUrls.stream().map(url -> new HttpJson("the processor", url)).toList();
  }
}
