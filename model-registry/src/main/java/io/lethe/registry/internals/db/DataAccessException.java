package io.lethe.registry.internals.db;

import java.sql.SQLException;

/** A database call failed; the cause is the driver's {@link SQLException}. */
public final class DataAccessException extends RuntimeException {
  public DataAccessException(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  /** The SQLSTATE of the underlying error, e.g. {@code 23505} for a unique violation. */
  public String sqlState() {
    return ((SQLException) getCause()).getSQLState();
  }
}
