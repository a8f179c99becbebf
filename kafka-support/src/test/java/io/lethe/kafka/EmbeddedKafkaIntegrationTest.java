package io.lethe.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lethe.avro.DeletionRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIntegrationTest {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void createsTopicsWithACompactedLineageTopic() throws Exception {
    TopicNames names = TopicNames.DEFAULTS.withPrefix("create.");
    kafka.createTopics(names, 3);
    kafka.createTopics(names, 3); // idempotent
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertEquals(
          Set.copyOf(names.all()),
          admin.listTopics().names().get().stream()
              .filter(n -> n.startsWith("create."))
              .collect(java.util.stream.Collectors.toSet()));
      var resource = new ConfigResource(ConfigResource.Type.TOPIC, names.trainingLineage());
      ConfigEntry policy =
          admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy");
      assertEquals("compact", policy.value());
      assertEquals(
          3,
          admin
              .describeTopics(List.of(names.deletionRequests()))
              .allTopicNames()
              .get()
              .get(names.deletionRequests())
              .partitions()
              .size());
    }
  }

  @Test
  void avroRecordsTravelThroughAConsumerGroupAndTransactions() {
    LetheTopics topics =
        new LetheTopics(TopicNames.DEFAULTS.withPrefix("roundtrip."), AvroSerdes.embedded());
    kafka.createTopics(topics.names, 1);
    var topic = topics.deletionRequests;
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "roundtrip-tx"),
            topic.keySerde().serializer(),
            topic.valueSerde().serializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic.name(), "r-1", AvroSerdesTest.request("r-1")));
      producer.send(new ProducerRecord<>(topic.name(), "r-2", AvroSerdesTest.request("r-2")));
      producer.commitTransaction();
    }
    List<ConsumerRecord<String, DeletionRequest>> received = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            topic.keySerde().deserializer(),
            topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.currentTimeMillis() + 30_000;
      while (received.size() < 2 && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }
    assertEquals(List.of("r-1", "r-2"), received.stream().map(ConsumerRecord::key).toList());
    assertEquals(AvroSerdesTest.request("r-2"), received.get(1).value());
  }
}
