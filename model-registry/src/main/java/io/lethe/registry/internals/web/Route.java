package io.lethe.registry.internals.web;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One HTTP endpoint: method, path, who may call it, and its handler. {@link Routes} lists them all
 * in one place; the server registers that list and nothing else.
 */
public record Route(HandlerType method, String path, Access access, Handler handler) {

  /** Who may call an endpoint. */
  public enum Access {
    /** Anyone. */
    PUBLIC,
    /** Holders of the admin bearer token only. */
    ADMIN
  }
}
