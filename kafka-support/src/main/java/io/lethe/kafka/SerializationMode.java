package io.lethe.kafka;

/** How Avro records are framed on the wire. */
public enum SerializationMode {
  /**
   * Avro single-object encoding (2-byte marker + 8-byte schema fingerprint + binary), with the
   * schemas compiled into the application. Needs no schema registry: the embedded default.
   */
  EMBEDDED,
  /**
   * Confluent wire format (magic byte 0 + 4-byte schema id + binary) through Apicurio's serdes,
   * against an Apicurio Registry (its {@code /apis/ccompat/v7} API serves Confluent clients too).
   */
  REGISTRY
}
