package io.lethe.processor.topology;

import java.util.Objects;

/**
 * A refused record: its {@link RejectionKind} and a message for people. The message may quote the
 * input (a model id, a key), so it is made {@link SafeText safe} here, once, for every place it is
 * copied to: the receipt's reason, the dead letter's headers, the log.
 */
public record Rejection(RejectionKind kind, String message) {
  /** Longest message kept; longer ones are cut. */
  public static final int MAX_MESSAGE_LENGTH = 300;

  public Rejection {
    Objects.requireNonNull(kind, "kind");
    message = SafeText.of(message, MAX_MESSAGE_LENGTH);
  }

  public static Rejection of(RejectionKind kind, String message) {
    return new Rejection(kind, message);
  }
}
