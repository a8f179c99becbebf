package io.lethe.processor.integration;

import io.lethe.kafka.EmbeddedKafka;

/** The pipeline scenario on the in-JVM KRaft broker, in the embedded (single-object) encoding. */
class InJvmBrokerScenarioIntegrationTest extends SingleObjectPipelineScenario {
  private EmbeddedKafka kafka;

  @Override
  protected void startInfrastructure() {
    kafka = EmbeddedKafka.start();
  }

  @Override
  protected void stopInfrastructure() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Override
  protected String bootstrapServers() {
    return kafka.bootstrapServers();
  }
}
