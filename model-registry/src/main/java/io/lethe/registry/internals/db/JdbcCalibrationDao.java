package io.lethe.registry.internals.db;

import io.lethe.avro.CalibrationStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** {@link CalibrationDao} in plain SQL. */
public final class JdbcCalibrationDao implements CalibrationDao {
  private static final String SELECT =
      "SELECT id, model_id, generation, request_id, status, reason, seed, budget_retrainings,"
          + " retrainings_used, duration_millis, calibrated_at, simulations::text AS simulations,"
          + " choices::text AS choices, candidates::text AS candidates, fingerprint, ingested_at"
          + " FROM calibrations";

  /** Rows of a model, of one generation when the second argument is not null. */
  private static final String WHERE =
      " WHERE model_id = ? AND (?::integer IS NULL OR generation = ?::integer)";

  private final Database db;

  public JdbcCalibrationDao(Database db) {
    this.db = db;
  }

  @Override
  public boolean insert(CalibrationRow row) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    """
                    INSERT INTO calibrations (model_id, generation, request_id, status, reason,
                      seed, budget_retrainings, retrainings_used, duration_millis, calibrated_at,
                      simulations, choices, candidates, fingerprint)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?)
                    ON CONFLICT (model_id, fingerprint) DO NOTHING
                    """,
                    row.modelId(),
                    row.generation(),
                    row.requestId(),
                    row.status().name(),
                    row.reason(),
                    row.seed(),
                    row.budgetRetrainings(),
                    row.retrainingsUsed(),
                    row.durationMillis(),
                    row.calibratedAt(),
                    row.simulationsJson(),
                    row.choicesJson(),
                    row.candidatesJson(),
                    row.fingerprint())
                == 1);
  }

  @Override
  public Optional<CalibrationRow> latest(String modelId) {
    return db
        .withConnection(
            c ->
                Sql.query(
                    c,
                    SELECT + " WHERE model_id = ? ORDER BY id DESC LIMIT 1",
                    JdbcCalibrationDao::map,
                    modelId))
        .stream()
        .findFirst();
  }

  @Override
  public java.util.List<CalibrationRow> list(
      String modelId, Integer generation, int offset, int limit) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                SELECT + WHERE + " ORDER BY id DESC LIMIT ? OFFSET ?",
                JdbcCalibrationDao::map,
                modelId,
                generation,
                generation,
                limit,
                offset));
  }

  @Override
  public long count(String modelId, Integer generation) {
    return db.withConnection(
        c ->
            Sql.count(
                c, "SELECT count(*) FROM calibrations" + WHERE, modelId, generation, generation));
  }

  private static CalibrationRow map(ResultSet rs) throws SQLException {
    return new CalibrationRow(
        rs.getLong("id"),
        rs.getString("model_id"),
        rs.getInt("generation"),
        rs.getString("request_id"),
        CalibrationStatus.valueOf(rs.getString("status")),
        rs.getString("reason"),
        rs.getLong("seed"),
        rs.getInt("budget_retrainings"),
        rs.getDouble("retrainings_used"),
        rs.getLong("duration_millis"),
        Sql.instant(rs, "calibrated_at"),
        rs.getString("simulations"),
        rs.getString("choices"),
        rs.getString("candidates"),
        rs.getString("fingerprint"),
        Sql.instant(rs, "ingested_at"));
  }
}
