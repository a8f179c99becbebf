package io.lethe.registry.internals.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings the schema up to date at start-up; a failed migration stops the registry. */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /** The role the application works as unless configured otherwise. */
  public static final String DEFAULT_APP_ROLE = "lethe_app";

  public static void migrate(DataSource dataSource) {
    migrate(dataSource, DEFAULT_APP_ROLE);
  }

  /** Migrates as the data source's user (the schema owner), granting {@code appRole} its rights. */
  public static void migrate(DataSource dataSource, String appRole) {
    MigrateResult result =
        Flyway.configure()
            .dataSource(dataSource)
            .placeholders(java.util.Map.of("appRole", Database.checkRole(appRole)))
            .locations("classpath:db/migration")
            .failOnMissingLocations(true)
            .load()
            .migrate();
    log.info(
        "Registry schema at version {} ({} migration(s) applied)",
        result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion,
        result.migrationsExecuted);
  }
}
