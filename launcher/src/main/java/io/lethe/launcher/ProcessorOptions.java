package io.lethe.launcher;

import io.lethe.kafka.AvroLimits;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.TopicNames;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.topology.IntakeLimits;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The processor's settings beyond its named options: {@code -p key=value} properties, checked
 * before anything starts so that a mistyped key is refused with its name instead of ignored, and
 * the instance id and metrics address. A mixin of {@link ProcessorCommand}.
 *
 * <p>Accepted properties: {@code lethe.processor.kafka.<client setting>} (any Kafka producer,
 * consumer, admin or Streams setting, e.g. {@code security.protocol}, {@code sasl.mechanism},
 * {@code sasl.jaas.config}, {@code ssl.truststore.location}; given to every client of the
 * processor), the intake caps {@code lethe.processor.max-sample-ids-per-request}, {@code
 * lethe.processor.max-batch-bytes} and {@code lethe.processor.max-request-id-length}, the Avro caps
 * {@code lethe.avro.*}, {@code lethe.topic.*}, {@code lethe.serialization} and {@code
 * lethe.schema-registry.url}. Environment variables named {@code LETHE_*} must be the processor's
 * (see {@code --help}), the registry's, the tools' ({@link ToolConnection#VARIABLES}), or read by
 * the scripts around them.
 */
public final class ProcessorOptions {
  static final String PREFIX = "lethe.processor.";
  static final String KAFKA_PREFIX = PREFIX + "kafka.";
  static final String MAX_SAMPLE_IDS = PREFIX + "max-sample-ids-per-request";
  static final String MAX_BATCH_BYTES = PREFIX + "max-batch-bytes";
  static final String MAX_ID_LENGTH = PREFIX + "max-request-id-length";

  /** {@code LETHE_*} variables read by the {@code lethe} script and by docker-compose itself. */
  private static final Set<String> SCRIPT_VARIABLES =
      Set.of("LETHE_JAVA_OPTS", "LETHE_VERSION", "LETHE_DB_PASSWORD");

  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");

  @Option(
      names = {"-p", "--property"},
      description =
          "A processor property, e.g. -p lethe.processor.kafka.security.protocol=SASL_SSL"
              + " (see docs/deployment.md); an unknown key is refused.")
  Map<String, String> properties = new HashMap<>();

  @Option(
      names = "--metrics-host",
      defaultValue = "${env:LETHE_METRICS_HOST:-127.0.0.1}",
      description =
          "Interface of /metrics and /health (LETHE_METRICS_HOST); 0.0.0.0 for all."
              + " Default: ${DEFAULT-VALUE}.")
  String metricsHost;

  @Option(
      names = "--instance-id",
      defaultValue = "${env:LETHE_INSTANCE_ID}",
      description =
          "This instance's id, unique among the processors of one deployment and stable across"
              + " its restarts; the worker's transactional id is lethe-worker-<id>"
              + " (LETHE_INSTANCE_ID). Default: --worker-id.")
  String instanceId;

  @Option(
      names = "--instances",
      defaultValue = "${env:LETHE_INSTANCES:-1}",
      description =
          "How many processor instances this deployment may run at once (LETHE_INSTANCES); above"
              + " 1 every instance must have its own --instance-id. Default: ${DEFAULT-VALUE}.")
  // 1 also where no command line fills the options (the tools check their -p properties through a
  // ProcessorOptions of their own).
  int instances = 1;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  private boolean checked;

  /**
   * Checks every property and {@code LETHE_*} variable, then returns the serialization and topic
   * settings (for {@link AvroSerdes#fromConfig} and {@link TopicNames#fromConfig}).
   */
  public Map<String, Object> checkedConfig() {
    check(System.getenv());
    return serdeConfig();
  }

  /** The serialization and topic properties (everything outside {@code lethe.processor.}). */
  Map<String, Object> serdeConfig() {
    Map<String, Object> config = new HashMap<>();
    properties.forEach(
        (key, value) -> {
          if (!key.startsWith(PREFIX)) {
            config.put(key, value);
          }
        });
    return config;
  }

  /** Refuses unknown keys and variables, naming them all. */
  void check(Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    Set<String> known = knownVariables();
    for (String name : new TreeSet<>(environment.keySet())) {
      if (name.startsWith("LETHE_") && !known.contains(name)) {
        problems.add("unknown environment variable " + name);
      }
    }
    Set<String> kafkaSettings = kafkaSettingNames();
    for (String key : new TreeSet<>(properties.keySet())) {
      if (key.startsWith(KAFKA_PREFIX)) {
        String setting = key.substring(KAFKA_PREFIX.length());
        if (!kafkaSettings.contains(setting)) {
          problems.add("unknown property " + key + " (" + setting + " is not a Kafka setting)");
        }
      } else if (!knownProperty(key)) {
        problems.add("unknown property " + key);
      }
    }
    problems.addAll(instanceProblems());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    checked = true;
  }

  /**
   * Several instances without their own ids would share the default transactional id and fence each
   * other's workers (issue 13): refused before anything starts, naming the option.
   */
  private List<String> instanceProblems() {
    if (instances < 1) {
      return List.of("--instances (LETHE_INSTANCES) must be at least 1, was " + instances);
    }
    if (instances > 1 && (instanceId == null || instanceId.isBlank())) {
      return List.of(
          "--instances is "
              + instances
              + ": give each instance its own --instance-id (LETHE_INSTANCE_ID), unique and"
              + " stable across its restarts; without one they share one transactional id and"
              + " fence each other");
    }
    return List.of();
  }

  private static boolean knownProperty(String key) {
    return key.equals(MAX_SAMPLE_IDS)
        || key.equals(MAX_BATCH_BYTES)
        || key.equals(MAX_ID_LENGTH)
        || key.equals(AvroLimits.MAX_COLLECTION_ITEMS)
        || key.equals(AvroLimits.MAX_STRING_BYTES)
        || key.equals(AvroSerdes.MODE)
        || key.equals(AvroSerdes.REGISTRY_URL)
        || TopicNames.SETTING_KEYS.contains(key);
  }

  /**
   * The variables of the processor's own options (as their declared defaults name them: {@code
   * ${env:LETHE_X:-...}}), the registry's, and the scripts'.
   */
  private Set<String> knownVariables() {
    Set<String> names = new HashSet<>(SCRIPT_VARIABLES);
    names.addAll(RegistryCommand.ENVIRONMENT.keySet());
    names.addAll(ToolConnection.VARIABLES);
    List<Class<?>> declaring = new ArrayList<>(List.of(ProcessorOptions.class));
    if (command != null) {
      declaring.add(command.userObject().getClass());
    }
    for (Class<?> type : declaring) {
      for (Field field : type.getDeclaredFields()) {
        Option option = field.getAnnotation(Option.class);
        if (option != null) {
          Matcher m = ENV.matcher(option.defaultValue());
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    return names;
  }

  private static Set<String> kafkaSettingNames() {
    Set<String> names = new HashSet<>(ProducerConfig.configNames());
    names.addAll(ConsumerConfig.configNames());
    names.addAll(AdminClientConfig.configNames());
    names.addAll(StreamsConfig.configDef().names());
    return names;
  }

  /** {@code lethe.processor.kafka.*}, without the prefix. */
  public Map<String, Object> kafkaClient() {
    Map<String, Object> client = new HashMap<>();
    properties.forEach(
        (key, value) -> {
          if (key.startsWith(KAFKA_PREFIX)) {
            client.put(key.substring(KAFKA_PREFIX.length()), value);
          }
        });
    return client;
  }

  /**
   * {@code settings} with this instance's transactional id, the Kafka client settings and the
   * intake caps.
   */
  public LetheProcessor.Settings apply(LetheProcessor.Settings settings) {
    if (!checked) {
      check(System.getenv());
    }
    LetheProcessor.Settings out = settings.withKafkaClient(kafkaClient());
    if (instanceId != null && !instanceId.isBlank()) {
      out = out.withWorkerId(LetheProcessor.Settings.transactionalId(instanceId.strip()));
    }
    IntakeLimits d = IntakeLimits.DEFAULT;
    IntakeLimits limits =
        new IntakeLimits(
            intProperty(MAX_SAMPLE_IDS, d.maxSampleIdsPerRequest()),
            intProperty(MAX_BATCH_BYTES, d.maxBatchBytes()),
            intProperty(MAX_ID_LENGTH, d.maxIdLength()));
    return out.withTopology(out.topology().withLimits(limits));
  }

  private int intProperty(String key, int fallback) {
    String value = properties.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
    }
  }

  /** Where {@code /metrics} listens: {@code --metrics-host}, 127.0.0.1 unless configured. */
  public InetSocketAddress metricsAddress(int port) {
    return new InetSocketAddress(metricsHost == null ? "127.0.0.1" : metricsHost, port);
  }
}
