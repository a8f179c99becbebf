package io.lethe.kafka;

/**
 * The cluster did not answer within {@link TopicAdmin#REACH_TIMEOUT}: its message is one line
 * naming the address, fit to print as it is (the command line does, with a non-zero exit).
 */
public final class KafkaUnreachableException extends RuntimeException {
  public KafkaUnreachableException(String message) {
    super(message, null, false, false);
  }
}
