package io.lethe.registry.internals.service;

import io.lethe.registry.internals.db.DataAccessException;

/** Tells the web layer, which sees no database types, whether a failure is the database away. */
public final class DatabaseOutage {
  private DatabaseOutage() {}

  /** True when {@code failure} is a database call that failed because the database is away. */
  public static boolean causes(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DataAccessException access) {
        return access.databaseUnavailable();
      }
    }
    return false;
  }
}
