package io.lethe.registry.internals.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Connections and transactions. A DAO call made inside {@link #inTransaction} joins that
 * transaction (the connection is bound to the calling thread); outside one it runs on its own
 * auto-commit connection.
 */
public final class Database {
  private static final java.util.regex.Pattern ROLE =
      java.util.regex.Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource dataSource;
  private final String role;
  private final ThreadLocal<Connection> current = new ThreadLocal<>();

  /** Connections as the data source's own user (the schema owner: migrations and tests). */
  public Database(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * Connections that work as {@code role} ({@code SET ROLE}), the application's role from the V2
   * migration, which owns nothing and so cannot alter the schema or the audit log's triggers.
   */
  public Database(DataSource dataSource, String role) {
    if (role != null) {
      checkRole(role);
    }
    this.dataSource = dataSource;
    this.role = role;
  }

  /** A role name is spliced into SQL, so it must be a plain lower-case identifier. */
  public static String checkRole(String role) {
    if (role == null || !ROLE.matcher(role).matches()) {
      throw new IllegalArgumentException("database role must match " + ROLE + ", got " + role);
    }
    return role;
  }

  private Connection open() throws SQLException {
    Connection connection = dataSource.getConnection();
    if (role != null) {
      try (java.sql.Statement st = connection.createStatement()) {
        st.execute("SET ROLE " + role);
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
    }
    return connection;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Work done with a connection; may throw {@link SQLException}. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} on the transaction's connection if one is open, else on a fresh one. */
  public <T> T withConnection(SqlWork<T> work) {
    Connection bound = current.get();
    try {
      if (bound != null) {
        return work.run(bound);
      }
      try (Connection connection = open()) {
        return work.run(connection);
      }
    } catch (SQLException e) {
      throw new DataAccessException(e);
    }
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   * Nested calls join the outer transaction.
   */
  public <T> T inTransaction(java.util.function.Supplier<T> work) {
    if (current.get() != null) {
      return work.get();
    }
    try (Connection connection = open()) {
      connection.setAutoCommit(false);
      current.set(connection);
      try {
        T result = work.get();
        connection.commit();
        return result;
      } catch (RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      } finally {
        current.remove();
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new DataAccessException(e);
    }
  }

  /** Runs {@code work} in one transaction. */
  public void inTransaction(Runnable work) {
    inTransaction(
        () -> {
          work.run();
          return null;
        });
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
