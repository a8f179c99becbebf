package io.lethe.registry.internals.db;

import javax.sql.DataSource;
import org.postgresql.ds.common.BaseDataSource;

/**
 * Where a data source points, as {@code host:port/database}, for log lines and health reasons.
 * Built from the parsed host, port and database name only, so a password given in the JDBC URL
 * ({@code ?password=}) can never be printed.
 */
public final class DatabaseAddress {
  private static final int DEFAULT_PORT = 5432;

  private DatabaseAddress() {}

  public static String of(DataSource dataSource) {
    if (dataSource instanceof BaseDataSource pg) {
      String[] hosts = pg.getServerNames();
      int[] ports = pg.getPortNumbers();
      String host = hosts == null || hosts.length == 0 ? "localhost" : hosts[0];
      int port = ports == null || ports.length == 0 || ports[0] == 0 ? DEFAULT_PORT : ports[0];
      String database = pg.getDatabaseName() == null ? "" : pg.getDatabaseName();
      return host + ":" + port + "/" + database;
    }
    return "the configured data source (" + dataSource.getClass().getSimpleName() + ")";
  }
}
