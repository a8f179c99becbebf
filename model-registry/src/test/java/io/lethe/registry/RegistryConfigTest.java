package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.kafka.SerializationMode;
import io.lethe.kafka.TopicNames;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

  @Test
  void defaultsWhenNothingIsSet() {
    RegistryConfig c = RegistryConfig.fromProperties(Map.of());
    assertNull(c.bootstrapServers());
    assertEquals(TopicNames.DEFAULTS, c.topics());
    assertEquals(SerializationMode.EMBEDDED, c.serdes().mode());
    assertNull(c.jdbcUrl(), "embedded PostgreSQL");
    assertNull(c.embeddedDataDir(), "temporary data directory");
    assertEquals("127.0.0.1", c.httpHost(), "loopback unless told otherwise");
    assertNull(c.dataDir(), "one run only");
    assertNull(c.artifactRoot(), "no artifact is verified without a root");
    assertEquals(AliasPolicy.FOLLOW, c.aliasPolicies().of("any-model"));
    assertEquals(java.time.Duration.ofHours(24), c.purgeDeadline());
    assertEquals(8081, c.httpPort());
    assertNull(c.adminToken());
    assertNull(c.signingKey());
    assertEquals("lethe-model-registry", c.consumerGroupId());
    assertTrue(c.consumerProperties().isEmpty());
  }

  @Test
  void readsEveryKey() {
    RegistryConfig c =
        RegistryConfig.fromProperties(
            Map.ofEntries(
                Map.entry("lethe.registry.bootstrap-servers", "k1:9092"),
                Map.entry("lethe.topic.model-versions", "mv"),
                Map.entry("lethe.registry.jdbc.url", "jdbc:postgresql://db/lethe"),
                Map.entry("lethe.registry.jdbc.user", "u"),
                Map.entry("lethe.registry.jdbc.password", "p"),
                Map.entry("lethe.registry.embedded-db.data-dir", "/var/lib/lethe/pg"),
                Map.entry("lethe.registry.http.host", "127.0.0.1"),
                Map.entry("lethe.registry.http.port", "0"),
                Map.entry("lethe.registry.admin-token", "s3cret"),
                Map.entry("lethe.registry.signing-key", "KEY"),
                Map.entry("lethe.registry.consumer.group-id", "g"),
                Map.entry("lethe.registry.kafka.security.protocol", "SASL_SSL"),
                Map.entry("lethe.registry.data-dir", "/var/lib/lethe/registry"),
                Map.entry("lethe.registry.artifact-root", "/var/lib/lethe/artifacts"),
                Map.entry("lethe.registry.artifact-read-timeout", "PT5S"),
                Map.entry("lethe.registry.alias-policy", "hold"),
                Map.entry("lethe.registry.alias-policy.fast-model", "follow"),
                Map.entry("lethe.registry.purge.deadline", "PT1H"),
                Map.entry("lethe.registry.purge.check-interval", "PT10S")));
    assertEquals(Path.of("/var/lib/lethe/registry"), c.dataDir());
    assertEquals(Path.of("/var/lib/lethe/artifacts"), c.artifactRoot());
    assertEquals(java.time.Duration.ofSeconds(5), c.artifactReadTimeout());
    assertEquals(AliasPolicy.HOLD, c.aliasPolicies().of("other"));
    assertEquals(AliasPolicy.FOLLOW, c.aliasPolicies().of("fast-model"));
    assertEquals(java.time.Duration.ofHours(1), c.purgeDeadline());
    assertEquals(java.time.Duration.ofSeconds(10), c.purgeCheckInterval());
    assertEquals("k1:9092", c.bootstrapServers());
    assertEquals("mv", c.topics().modelVersions());
    assertEquals("jdbc:postgresql://db/lethe", c.jdbcUrl());
    assertEquals("u", c.jdbcUser());
    assertEquals("p", c.jdbcPassword());
    assertEquals(Path.of("/var/lib/lethe/pg"), c.embeddedDataDir());
    assertEquals("127.0.0.1", c.httpHost());
    assertEquals(0, c.httpPort());
    assertEquals("s3cret", c.adminToken());
    assertEquals("KEY", c.signingKey());
    assertEquals("g", c.consumerGroupId());
    assertEquals(Map.of("security.protocol", "SASL_SSL"), c.consumerProperties());
    assertFalse(c.toString().contains("s3cret"), "secrets stay out of logs");
    assertFalse(c.toString().contains("KEY"));
  }

  @Test
  void bootstrapServersFallBackToSharedKeys() {
    assertEquals(
        "b:1",
        RegistryConfig.fromProperties(Map.of("lethe.bootstrap-servers", "b:1")).bootstrapServers());
    assertEquals(
        "c:2",
        RegistryConfig.fromProperties(Map.of("bootstrap.servers", "c:2")).bootstrapServers());
  }

  @Test
  void refusesBadPorts() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RegistryConfig.fromProperties(Map.of("lethe.registry.http.port", "http")));
    assertThrows(
        IllegalArgumentException.class, () -> RegistryConfig.builder().httpPort(70000).build());
  }

  @Test
  void theBuilderRoundTrips() {
    RegistryConfig c = RegistryConfig.builder().httpPort(0).adminToken("t").build();
    assertEquals(c, c.toBuilder().build());
  }
}
