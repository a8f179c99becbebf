package io.lethe.registry.internals.service;

import io.lethe.avro.RegistrationRequest;

/**
 * Where registration requests go for a processor to validate ({@code lethe.registration-requests}).
 */
public interface RegistrationSink {

  /** A registry without Kafka: no processor can be asked. */
  RegistrationSink NONE =
      request -> {
        throw RegistryException.conflict(
            "this registry has no Kafka configured: register with `lethe models register` instead");
      };

  /** Publishes {@code request}, returning once the broker has it. */
  void publish(RegistrationRequest request);
}
