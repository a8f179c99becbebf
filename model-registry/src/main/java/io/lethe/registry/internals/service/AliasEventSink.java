package io.lethe.registry.internals.service;

import io.lethe.avro.AliasEvent;

/** Where committed alias moves are announced (the {@code lethe.alias-events} topic). */
@FunctionalInterface
public interface AliasEventSink {
  /** Announces nothing: the registry runs without Kafka. */
  AliasEventSink NONE = event -> {};

  void publish(AliasEvent event);
}
