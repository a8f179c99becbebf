package io.lethe.processor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.kafka.EmbeddedKafka;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /health}'s Kafka check: down, naming the address, once the cluster stops answering. */
class KafkaReachabilityTest {
  private static final Duration EVERY = Duration.ofMillis(300);
  private static final Duration STALE = Duration.ofSeconds(2);

  @Test
  void upWhileTheBrokerAnswersDownWithTheAddressOnceItIsGone() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    String address = kafka.bootstrapServers();
    try (KafkaReachability probe = new KafkaReachability(address, Map.of(), EVERY, STALE)) {
      // Control: up for longer than the stale limit while the broker answers.
      long until = System.nanoTime() + STALE.multipliedBy(2).toNanos();
      while (System.nanoTime() < until) {
        assertTrue(probe.health().up(), probe.health().toString());
        Thread.sleep(100);
      }
      kafka.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (probe.health().up() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Health health = probe.health();
      assertFalse(health.up(), "still up 30 s after the broker stopped");
      assertTrue(health.reason().contains("cannot reach Kafka at " + address), health.reason());
    }
  }

  @Test
  void downWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (KafkaReachability probe =
        new KafkaReachability("127.0.0.1:" + port, Map.of(), EVERY, STALE)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (probe.health().up() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(probe.health().up());
      assertTrue(probe.health().reason().contains("127.0.0.1:" + port), probe.health().reason());
    }
  }
}
