package io.lethe.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Nothing listens at the address: one line naming it, within 10 s (not a minute of retries). */
class TopicAdminUnreachableTest {
  @Test
  void anUnreachableBrokerIsOneLineNamingTheAddressWithinTenSeconds() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    long started = System.nanoTime();
    KafkaUnreachableException e =
        assertThrows(
            KafkaUnreachableException.class,
            () -> TopicAdmin.ensureTopics(address, TopicNames.DEFAULTS, 1, (short) 1));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
    assertTrue(e.getMessage().startsWith("cannot reach Kafka at " + address), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }
}
