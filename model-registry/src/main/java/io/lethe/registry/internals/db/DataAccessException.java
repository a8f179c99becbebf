package io.lethe.registry.internals.db;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** A database call failed; the cause is the driver's {@link SQLException}. */
public final class DataAccessException extends RuntimeException {
  public DataAccessException(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  /** The SQLSTATE of the underlying error, e.g. {@code 23505} for a unique violation. */
  public String sqlState() {
    return ((SQLException) getCause()).getSQLState();
  }

  /**
   * Whether the database is away rather than the call wrong: a connection failure (SQLSTATE class
   * 08), too few resources (53), an operator's shutdown or a refused connection (57), the driver's
   * transient or recoverable exceptions, or an I/O error underneath. The REST API answers 503 for
   * these, so a client retries, and 500 for the rest.
   */
  public boolean databaseUnavailable() {
    SQLException sql = (SQLException) getCause();
    String state = sql.getSQLState();
    if (state != null
        && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57"))) {
      return true;
    }
    if (sql instanceof SQLTransientException || sql instanceof SQLRecoverableException) {
      return true;
    }
    for (Throwable t = sql.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
