package io.lethe.registry;

/**
 * The registry's database did not answer at start: its message is one line naming the address
 * ({@code host:port/database}, never a password), fit to print as it is; {@code lethe registry}
 * does, with a non-zero exit.
 */
public final class DatabaseUnreachableException extends RuntimeException {
  public DatabaseUnreachableException(String message) {
    super(message, null, false, false);
  }
}
