package io.lethe.registry.internals.service;

/**
 * A request the registry refuses, with a message fit for the caller. The kind says why; the web
 * layer maps each kind to an HTTP status in one place.
 */
public class RegistryException extends RuntimeException {

  /** Why a request was refused. */
  public enum Kind {
    /** The input is malformed or out of range. */
    INVALID,
    /** The thing asked for does not exist. */
    NOT_FOUND,
    /** The request contradicts the registry's state (e.g. promoting a FAILED version). */
    CONFLICT,
    /** The thing existed but is gone for good (e.g. a purged artifact). */
    GONE,
    /** The caller did not prove who they are. */
    UNAUTHENTICATED,
    /** The request body is larger than the registry reads. */
    TOO_LARGE
  }

  private final Kind kind;

  public RegistryException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static RegistryException invalid(String message) {
    return new RegistryException(Kind.INVALID, message);
  }

  public static RegistryException notFound(String message) {
    return new RegistryException(Kind.NOT_FOUND, message);
  }

  public static RegistryException conflict(String message) {
    return new RegistryException(Kind.CONFLICT, message);
  }

  public static RegistryException gone(String message) {
    return new RegistryException(Kind.GONE, message);
  }

  public static RegistryException tooLarge(String message) {
    return new RegistryException(Kind.TOO_LARGE, message);
  }

  public static RegistryException unauthenticated(String message) {
    return new RegistryException(Kind.UNAUTHENTICATED, message);
  }
}
