package io.lethe.registry;

import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the model registry needs to start. Build one with {@link #builder()} or read one from
 * {@code lethe.registry.*} properties with {@link #fromProperties(Map)}; {@code
 * model-registry/README.md} documents every key.
 *
 * @param bootstrapServers Kafka bootstrap servers; null runs the registry without a consumer (a
 *     read-only API over the existing database)
 * @param topics topic names; the registry reads {@code modelVersions}, {@code requestReceipts},
 *     {@code calibrations} and {@code registrationOutcomes}, and publishes to {@code aliasEvents}
 *     and {@code registrationRequests}
 * @param serdes how Avro values are framed on the wire
 * @param jdbcUrl PostgreSQL JDBC URL; null starts an embedded PostgreSQL
 * @param jdbcUser database user (external database only)
 * @param jdbcPassword database password (external database only)
 * @param embeddedDataDir data directory of the embedded PostgreSQL; null for a temporary one
 * @param httpHost address the HTTP server binds to
 * @param httpPort HTTP port; 0 picks a free one
 * @param adminToken bearer token that mutating endpoints require; null generates one at start
 * @param signingKey Ed25519 private key, base64 PKCS#8, for deletion certificates; null generates
 *     one at start (certificates then do not verify after a restart)
 * @param consumerGroupId Kafka consumer group of the registry
 * @param consumerProperties extra Kafka consumer properties (security settings and the like)
 * @param dataDir where the registry keeps what must survive a restart: the embedded database (when
 *     {@code embeddedDataDir} is not set), the signing key and a generated admin token; null keeps
 *     them for one run only (a temporary database, a key that dies with the process)
 * @param artifactRoot the only directory whose files the registry reads, serves and deletes; null
 *     verifies no artifact at all
 * @param artifactReadTimeout longest time spent reading one artifact at ingest
 * @param aliasPolicies what happens to an alias left on a version that holds newly erased data
 * @param purgeDeadline how long after an erasure is applied the versions still holding its data are
 *     purged (once no alias points at them)
 */
public record RegistryConfig(
    String bootstrapServers,
    TopicNames topics,
    AvroSerdes serdes,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    Path embeddedDataDir,
    String httpHost,
    int httpPort,
    String adminToken,
    String signingKey,
    String consumerGroupId,
    Map<String, String> consumerProperties,
    Path dataDir,
    Path artifactRoot,
    Duration artifactReadTimeout,
    AliasPolicies aliasPolicies,
    Duration purgeDeadline,
    Duration purgeCheckInterval) {

  public static final String PREFIX = "lethe.registry.";
  public static final String DEFAULT_GROUP_ID = "lethe-model-registry";
  public static final int DEFAULT_HTTP_PORT = 8081;
  public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
  public static final Duration DEFAULT_ARTIFACT_READ_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_PURGE_DEADLINE = Duration.ofHours(24);
  public static final Duration DEFAULT_PURGE_CHECK_INTERVAL = Duration.ofMinutes(1);

  public RegistryConfig {
    topics = Objects.requireNonNullElse(topics, TopicNames.DEFAULTS);
    serdes = serdes == null ? AvroSerdes.embedded() : serdes;
    httpHost = httpHost == null || httpHost.isBlank() ? DEFAULT_HTTP_HOST : httpHost;
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("httpPort must be 0..65535, got " + httpPort);
    }
    consumerGroupId =
        consumerGroupId == null || consumerGroupId.isBlank() ? DEFAULT_GROUP_ID : consumerGroupId;
    consumerProperties = consumerProperties == null ? Map.of() : Map.copyOf(consumerProperties);
    artifactReadTimeout =
        artifactReadTimeout == null ? DEFAULT_ARTIFACT_READ_TIMEOUT : artifactReadTimeout;
    aliasPolicies = aliasPolicies == null ? AliasPolicies.DEFAULT : aliasPolicies;
    purgeDeadline = purgeDeadline == null ? DEFAULT_PURGE_DEADLINE : purgeDeadline;
    purgeCheckInterval =
        purgeCheckInterval == null ? DEFAULT_PURGE_CHECK_INTERVAL : purgeCheckInterval;
    if (purgeCheckInterval.isNegative() || purgeCheckInterval.isZero()) {
      throw new IllegalArgumentException("purgeCheckInterval must be positive");
    }
    if (artifactReadTimeout.isNegative() || artifactReadTimeout.isZero()) {
      throw new IllegalArgumentException("artifactReadTimeout must be positive");
    }
    if (purgeDeadline.isNegative()) {
      throw new IllegalArgumentException("purgeDeadline must not be negative");
    }
  }

  /** The embedded database's data directory: the configured one, else {@code dataDir/postgres}. */
  public Path effectiveEmbeddedDataDir() {
    if (embeddedDataDir != null) {
      return embeddedDataDir;
    }
    return dataDir == null ? null : dataDir.resolve("postgres");
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .bootstrapServers(bootstrapServers)
        .topics(topics)
        .serdes(serdes)
        .jdbcUrl(jdbcUrl)
        .jdbcUser(jdbcUser)
        .jdbcPassword(jdbcPassword)
        .embeddedDataDir(embeddedDataDir)
        .httpHost(httpHost)
        .httpPort(httpPort)
        .adminToken(adminToken)
        .signingKey(signingKey)
        .consumerGroupId(consumerGroupId)
        .consumerProperties(consumerProperties)
        .dataDir(dataDir)
        .artifactRoot(artifactRoot)
        .artifactReadTimeout(artifactReadTimeout)
        .aliasPolicies(aliasPolicies)
        .purgeDeadline(purgeDeadline)
        .purgeCheckInterval(purgeCheckInterval);
  }

  /**
   * Reads {@code lethe.registry.*} keys; topic names come from {@code lethe.topic.*} ({@link
   * TopicNames#fromConfig}) and the serialization from {@code lethe.serialization} / {@code
   * lethe.schema-registry.url} ({@link AvroSerdes#fromConfig}). Kafka's bootstrap servers fall back
   * to {@code lethe.bootstrap-servers} and then {@code bootstrap.servers}.
   */
  public static RegistryConfig fromProperties(Map<String, ?> props) {
    Map<String, String> consumer = new LinkedHashMap<>();
    String consumerPrefix = PREFIX + "kafka.";
    props.forEach(
        (k, v) -> {
          if (k.startsWith(consumerPrefix) && v != null) {
            consumer.put(k.substring(consumerPrefix.length()), v.toString());
          }
        });
    String bootstrap =
        first(props, PREFIX + "bootstrap-servers", "lethe.bootstrap-servers", "bootstrap.servers");
    String dataDir = first(props, PREFIX + "embedded-db.data-dir");
    String port = first(props, PREFIX + "http.port");
    int httpPort;
    try {
      httpPort = port == null ? DEFAULT_HTTP_PORT : Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PREFIX + "http.port is not a number: " + port);
    }
    return new RegistryConfig(
        bootstrap,
        TopicNames.fromConfig(props),
        AvroSerdes.fromConfig(props),
        first(props, PREFIX + "jdbc.url"),
        first(props, PREFIX + "jdbc.user"),
        first(props, PREFIX + "jdbc.password"),
        dataDir == null ? null : Path.of(dataDir),
        first(props, PREFIX + "http.host"),
        httpPort,
        first(props, PREFIX + "admin-token"),
        first(props, PREFIX + "signing-key"),
        first(props, PREFIX + "consumer.group-id"),
        consumer,
        path(first(props, PREFIX + "data-dir")),
        path(first(props, PREFIX + "artifact-root")),
        duration(props, PREFIX + "artifact-read-timeout"),
        AliasPolicies.fromProperties(props, PREFIX + "alias-policy"),
        duration(props, PREFIX + "purge.deadline"),
        duration(props, PREFIX + "purge.check-interval"));
  }

  private static Path path(String value) {
    return value == null ? null : Path.of(value);
  }

  private static Duration duration(Map<String, ?> props, String key) {
    String value = first(props, key);
    if (value == null) {
      return null;
    }
    try {
      return io.lethe.config.Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static String first(Map<String, ?> props, String... keys) {
    for (String key : keys) {
      Object value = props.get(key);
      if (value != null && !value.toString().isBlank()) {
        return value.toString().trim();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "RegistryConfig[bootstrapServers="
        + bootstrapServers
        + ", topics="
        + topics
        + ", serialization="
        + serdes.mode()
        + ", jdbcUrl="
        + (jdbcUrl == null ? "(embedded)" : jdbcUrl)
        + ", jdbcUser="
        + jdbcUser
        + ", embeddedDataDir="
        + embeddedDataDir
        + ", http="
        + httpHost
        + ":"
        + httpPort
        + ", adminToken="
        + (adminToken == null ? "(generated)" : "***")
        + ", signingKey="
        + (signingKey == null ? "(generated)" : "***")
        + ", consumerGroupId="
        + consumerGroupId
        + ", dataDir="
        + (dataDir == null ? "(none: one run only)" : dataDir)
        + ", artifactRoot="
        + (artifactRoot == null ? "(none: no artifact is verified)" : artifactRoot)
        + ", aliasPolicies="
        + aliasPolicies
        + ", purgeDeadline="
        + purgeDeadline
        + "]";
  }

  /** Builds a {@link RegistryConfig}; unset values take the documented defaults. */
  public static final class Builder {
    private String bootstrapServers;
    private TopicNames topics = TopicNames.DEFAULTS;
    private AvroSerdes serdes;
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private Path embeddedDataDir;
    private String httpHost;
    private int httpPort = DEFAULT_HTTP_PORT;
    private String adminToken;
    private String signingKey;
    private String consumerGroupId = DEFAULT_GROUP_ID;
    private Map<String, String> consumerProperties = Map.of();
    private Path dataDir;
    private Path artifactRoot;
    private Duration artifactReadTimeout;
    private AliasPolicies aliasPolicies;
    private Duration purgeDeadline;
    private Duration purgeCheckInterval;

    public Builder purgeCheckInterval(Duration v) {
      purgeCheckInterval = v;
      return this;
    }

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder artifactRoot(Path v) {
      artifactRoot = v;
      return this;
    }

    public Builder artifactReadTimeout(Duration v) {
      artifactReadTimeout = v;
      return this;
    }

    public Builder aliasPolicies(AliasPolicies v) {
      aliasPolicies = v;
      return this;
    }

    public Builder purgeDeadline(Duration v) {
      purgeDeadline = v;
      return this;
    }

    public Builder bootstrapServers(String v) {
      bootstrapServers = v;
      return this;
    }

    public Builder topics(TopicNames v) {
      topics = v;
      return this;
    }

    public Builder serdes(AvroSerdes v) {
      serdes = v;
      return this;
    }

    public Builder jdbcUrl(String v) {
      jdbcUrl = v;
      return this;
    }

    public Builder jdbcUser(String v) {
      jdbcUser = v;
      return this;
    }

    public Builder jdbcPassword(String v) {
      jdbcPassword = v;
      return this;
    }

    public Builder embeddedDataDir(Path v) {
      embeddedDataDir = v;
      return this;
    }

    public Builder httpHost(String v) {
      httpHost = v;
      return this;
    }

    public Builder httpPort(int v) {
      httpPort = v;
      return this;
    }

    public Builder adminToken(String v) {
      adminToken = v;
      return this;
    }

    public Builder signingKey(String v) {
      signingKey = v;
      return this;
    }

    public Builder consumerGroupId(String v) {
      consumerGroupId = v;
      return this;
    }

    public Builder consumerProperties(Map<String, String> v) {
      consumerProperties = v;
      return this;
    }

    public RegistryConfig build() {
      return new RegistryConfig(
          bootstrapServers,
          topics,
          serdes,
          jdbcUrl,
          jdbcUser,
          jdbcPassword,
          embeddedDataDir,
          httpHost,
          httpPort,
          adminToken,
          signingKey,
          consumerGroupId,
          consumerProperties,
          dataDir,
          artifactRoot,
          artifactReadTimeout,
          aliasPolicies,
          purgeDeadline,
          purgeCheckInterval);
    }
  }
}
