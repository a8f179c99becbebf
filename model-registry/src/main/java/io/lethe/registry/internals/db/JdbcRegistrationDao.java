package io.lethe.registry.internals.db;

import java.time.Instant;
import java.util.Optional;

/** {@link RegistrationDao} in plain SQL. */
public final class JdbcRegistrationDao implements RegistrationDao {
  private final Database db;

  public JdbcRegistrationDao(Database db) {
    this.db = db;
  }

  @Override
  public void insertPending(
      String registrationId,
      String modelIds,
      String requestedBy,
      Instant requestedAt,
      String catalogSha256) {
    db.withConnection(
        c ->
            Sql.update(
                c,
                "INSERT INTO registrations"
                    + " (registration_id, model_ids, requested_by, requested_at, catalog_sha256)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (registration_id) DO NOTHING",
                registrationId,
                modelIds,
                requestedBy,
                requestedAt,
                catalogSha256));
  }

  @Override
  public boolean recordOutcome(
      String registrationId,
      String status,
      String models,
      String problems,
      String decidedBy,
      Instant decidedAt) {
    return db.withConnection(
        c -> {
          // An outcome read again (the consumer restarted) changes nothing.
          int updated =
              Sql.update(
                  c,
                  "UPDATE registrations SET status = ?, models = ?, problems = ?, decided_by = ?,"
                      + " decided_at = ? WHERE registration_id = ? AND status = 'PENDING'",
                  status,
                  models,
                  problems,
                  decidedBy,
                  decidedAt,
                  registrationId);
          if (updated == 1) {
            return true;
          }
          return Sql.update(
                  c,
                  "INSERT INTO registrations"
                      + " (registration_id, status, models, problems, decided_by, decided_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (registration_id) DO NOTHING",
                  registrationId,
                  status,
                  models,
                  problems,
                  decidedBy,
                  decidedAt)
              == 1;
        });
  }

  @Override
  public Optional<RegistrationRow> find(String registrationId) {
    return db
        .withConnection(
            c ->
                Sql.query(
                    c,
                    "SELECT * FROM registrations WHERE registration_id = ?",
                    rs ->
                        new RegistrationRow(
                            rs.getString("registration_id"),
                            rs.getString("status"),
                            rs.getString("model_ids"),
                            rs.getString("requested_by"),
                            Sql.instant(rs, "requested_at"),
                            rs.getString("catalog_sha256"),
                            rs.getString("models"),
                            rs.getString("problems"),
                            rs.getString("decided_by"),
                            Sql.instant(rs, "decided_at")),
                    registrationId))
        .stream()
        .findFirst();
  }
}
