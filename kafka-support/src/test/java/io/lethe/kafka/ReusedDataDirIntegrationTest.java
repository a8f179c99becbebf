package io.lethe.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lethe demo --data-dir D} started twice on the same directory: the second broker starts on
 * the first one's storage (on main it failed with {@code Invalid cluster.id}) and still has its
 * topics.
 */
class ReusedDataDirIntegrationTest {
  @Test
  void aSecondBrokerOnTheSameDirectoryStartsAndKeepsTheTopics(@TempDir Path dir) throws Exception {
    TopicNames names = TopicNames.DEFAULTS.withPrefix("reused.");
    String firstId;
    try (EmbeddedKafka first = EmbeddedKafka.start(dir)) {
      first.createTopics(names, 1);
      firstId = clusterId(first);
    }
    try (EmbeddedKafka second = EmbeddedKafka.start(dir)) {
      assertEquals(firstId, clusterId(second), "the same cluster");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", second.bootstrapServers()))) {
        assertTrue(
            admin.listTopics().names().get().containsAll(names.all()), "control: topics kept");
      }
    }
  }

  private static String clusterId(EmbeddedKafka kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      return admin.describeCluster().clusterId().get();
    }
  }
}
