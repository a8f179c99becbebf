package io.lethe.registry.internals.service;

/**
 * A consumed record the registry cannot store as it is (a field out of range): bad data, so the
 * consumer sets it aside instead of retrying it.
 */
public final class InvalidRecordException extends IllegalArgumentException {
  public InvalidRecordException(String message) {
    super(message);
  }
}
