package io.lethe.kafka;

import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its key and value, declared once and passed around. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
