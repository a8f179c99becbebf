package io.lethe.kafka;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The services' {@code /health} Kafka check: down, naming the address, once the cluster stops
 * answering.
 */
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
        assertTrue(probe.problem().isEmpty(), probe.problem().toString());
        Thread.sleep(100);
      }
      kafka.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (probe.problem().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String problem = probe.problem().orElse(null);
      assertNotNull(problem, "still up 30 s after the broker stopped");
      assertTrue(problem.contains("cannot reach Kafka at " + address), problem);
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
      while (probe.problem().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String problem = probe.problem().orElse(null);
      assertNotNull(problem, "up although nothing listens");
      assertTrue(problem.contains("127.0.0.1:" + port), problem);
    }
  }
}
