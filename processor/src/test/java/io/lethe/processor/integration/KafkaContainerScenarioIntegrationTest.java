package io.lethe.processor.integration;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same scenario, the same checks, against Apache Kafka in a container (Testcontainers). Where
 * there is no Docker engine the whole class is reported as skipped; the in-JVM twin, {@link
 * InJvmBrokerScenarioIntegrationTest}, runs everywhere. The image can be changed with {@code
 * -Dlethe.test.kafka-image=apache/kafka:…}.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerScenarioIntegrationTest extends SingleObjectPipelineScenario {
  @Container
  static final KafkaContainer KAFKA =
      new KafkaContainer(
          DockerImageName.parse(
              System.getProperty("lethe.test.kafka-image", "apache/kafka:4.3.0")));

  /** The container is started (and stopped) by the Testcontainers extension. */
  @Override
  protected void startInfrastructure() {}

  @Override
  protected void stopInfrastructure() {}

  @Override
  protected String bootstrapServers() {
    return KAFKA.getBootstrapServers();
  }
}
