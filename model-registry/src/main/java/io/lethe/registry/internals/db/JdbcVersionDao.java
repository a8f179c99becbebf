package io.lethe.registry.internals.db;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link VersionDao} in plain SQL. */
public final class JdbcVersionDao implements VersionDao {
  private static final String SELECT =
      """
      SELECT v.*,
             ARRAY(SELECT r.request_id FROM version_requests r
                   WHERE r.model_id = v.model_id AND r.version = v.version
                   ORDER BY r.position) AS request_ids,
             ARRAY(SELECT t.tag FROM version_tags t
                   WHERE t.model_id = v.model_id AND t.version = v.version
                   ORDER BY t.tag) AS tags,
             ARRAY(SELECT t.value FROM version_tags t
                   WHERE t.model_id = v.model_id AND t.version = v.version
                   ORDER BY t.tag) AS tag_values
      FROM model_versions v
      """;

  private final Database db;

  public JdbcVersionDao(Database db) {
    this.db = db;
  }

  @Override
  public boolean insert(VersionRow row) {
    return db.inTransaction(
        () ->
            db.withConnection(
                c -> {
                  Metrics m = row.metrics();
                  int inserted =
                      Sql.update(
                          c,
                          """
                          INSERT INTO model_versions (model_id, version, parent_version, batch_id,
                            status, failure_reason, method, device, artifact_uri, artifact_sha256,
                            artifact_size_bytes, artifact_verified, artifact_problem,
                            forget_accuracy, retain_accuracy, test_accuracy, mia, avg_gap,
                            js_divergence, parameter_distance, forget_set_size, retain_set_size,
                            duration_millis, speedup, created_at, fingerprint, evidence,
                            per_example_reference_models, per_example_mean_score,
                            per_example_worst_score, per_example_flagged, per_example_power,
                            drift_test_drop, drift_earlier_forget_accuracy, drift_divergence,
                            reanchor_reason)
                          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                                  ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                          ON CONFLICT (model_id, version) DO NOTHING
                          """,
                          row.modelId(),
                          row.version(),
                          row.parentVersion(),
                          row.batchId(),
                          row.status().name(),
                          row.failureReason(),
                          row.method(),
                          row.device(),
                          row.artifactUri(),
                          row.artifactSha256(),
                          row.artifactSizeBytes(),
                          row.artifactVerified(),
                          row.artifactProblem(),
                          m.forgetAccuracy(),
                          m.retainAccuracy(),
                          m.testAccuracy(),
                          m.mia(),
                          m.avgGap(),
                          m.jsDivergence(),
                          m.parameterDistance(),
                          m.forgetSetSize(),
                          m.retainSetSize(),
                          m.durationMillis(),
                          m.speedup(),
                          row.createdAt(),
                          row.fingerprint(),
                          m.evidence(),
                          m.perExampleReferenceModels(),
                          m.perExampleMeanScore(),
                          m.perExampleWorstScore(),
                          m.perExampleFlagged(),
                          m.perExamplePower(),
                          m.driftTestDrop(),
                          m.driftEarlierForgetAccuracy(),
                          m.driftDivergence(),
                          m.reanchorReason());
                  if (inserted == 0) {
                    return false;
                  }
                  int position = 0;
                  for (String requestId : row.requestIds()) {
                    Sql.update(
                        c,
                        "INSERT INTO version_requests (model_id, version, request_id, position)"
                            + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        row.modelId(),
                        row.version(),
                        requestId,
                        position++);
                  }
                  return true;
                }));
  }

  @Override
  public Optional<VersionRow> find(String modelId, int version) {
    return db
        .withConnection(
            c ->
                Sql.query(
                    c,
                    SELECT + " WHERE v.model_id = ? AND v.version = ?",
                    JdbcVersionDao::map,
                    modelId,
                    version))
        .stream()
        .findFirst();
  }

  @Override
  public Optional<String> findFingerprint(String modelId, int version) {
    return db
        .withConnection(
            c ->
                Sql.query(
                    c,
                    "SELECT fingerprint FROM model_versions WHERE model_id = ? AND version = ?",
                    rs -> rs.getString(1),
                    modelId,
                    version))
        .stream()
        .findFirst();
  }

  @Override
  public List<VersionRow> list(VersionQuery q) {
    List<Object> args = new ArrayList<>();
    String where = where(q, args);
    args.add(q.limit());
    args.add(q.offset());
    return db.withConnection(
        c ->
            Sql.query(
                c,
                SELECT + where + " ORDER BY v.version LIMIT ? OFFSET ?",
                JdbcVersionDao::map,
                args.toArray()));
  }

  @Override
  public long count(VersionQuery q) {
    List<Object> args = new ArrayList<>();
    String where = where(q, args);
    return db.withConnection(
        c -> Sql.count(c, "SELECT count(*) FROM model_versions v" + where, args.toArray()));
  }

  private static String where(VersionQuery q, List<Object> args) {
    StringBuilder where = new StringBuilder(" WHERE v.model_id = ?");
    args.add(q.modelId());
    if (q.status() != null) {
      where.append(" AND v.status = ?");
      args.add(q.status());
    }
    if (q.tag() != null) {
      where.append(
          " AND EXISTS (SELECT 1 FROM version_tags t WHERE t.model_id = v.model_id"
              + " AND t.version = v.version AND t.tag = ?)");
      args.add(q.tag());
    }
    if (q.since() != null) {
      where.append(" AND v.created_at >= ?");
      args.add(q.since());
    }
    if (q.until() != null) {
      where.append(" AND v.created_at < ?");
      args.add(q.until());
    }
    return where.toString();
  }

  @Override
  public List<VersionRow> listAll(String modelId) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                SELECT + " WHERE v.model_id = ? ORDER BY v.version",
                JdbcVersionDao::map,
                modelId));
  }

  @Override
  public List<Integer> children(String modelId, int version) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT version FROM model_versions WHERE model_id = ? AND parent_version = ?"
                    + " ORDER BY version",
                rs -> rs.getInt(1),
                modelId,
                version));
  }

  @Override
  public List<String> modelIds() {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT DISTINCT model_id FROM model_versions ORDER BY model_id",
                rs -> rs.getString(1)));
  }

  private static final String SUMMARY =
      """
      SELECT v.model_id, count(*) AS version_count, max(v.version) AS latest_version,
             (SELECT l.status FROM model_versions l WHERE l.model_id = v.model_id
              ORDER BY l.version DESC LIMIT 1) AS latest_status,
             min(v.created_at) AS first_created_at, max(v.created_at) AS last_created_at
      FROM model_versions v
      """;

  @Override
  public List<ModelSummary> listModels(String search, int offset, int limit) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                SUMMARY
                    + " WHERE (?::text IS NULL OR v.model_id ILIKE ?)"
                    + " GROUP BY v.model_id ORDER BY v.model_id LIMIT ? OFFSET ?",
                JdbcVersionDao::summary,
                search,
                search == null ? null : Sql.containsPattern(search),
                limit,
                offset));
  }

  @Override
  public Optional<ModelSummary> summary(String modelId) {
    return db
        .withConnection(
            c ->
                Sql.query(
                    c,
                    SUMMARY + " WHERE v.model_id = ? GROUP BY v.model_id",
                    JdbcVersionDao::summary,
                    modelId))
        .stream()
        .findFirst();
  }

  private static ModelSummary summary(ResultSet rs) throws SQLException {
    return new ModelSummary(
        rs.getString("model_id"),
        rs.getInt("version_count"),
        rs.getInt("latest_version"),
        rs.getString("latest_status"),
        Sql.instant(rs, "first_created_at"),
        Sql.instant(rs, "last_created_at"));
  }

  @Override
  public long countModels(String search) {
    return db.withConnection(
        c ->
            Sql.count(
                c,
                "SELECT count(DISTINCT model_id) FROM model_versions"
                    + " WHERE (?::text IS NULL OR model_id ILIKE ?)",
                search,
                search == null ? null : Sql.containsPattern(search)));
  }

  @Override
  public boolean modelExists(String modelId) {
    return db.withConnection(
        c ->
            Sql.count(
                    c,
                    "SELECT count(*) FROM (SELECT 1 FROM model_versions WHERE model_id = ?"
                        + " LIMIT 1) x",
                    modelId)
                > 0);
  }

  @Override
  public List<VersionRow> versionsListingRequest(String requestId) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                SELECT
                    + " WHERE EXISTS (SELECT 1 FROM version_requests r WHERE r.model_id ="
                    + " v.model_id AND r.version = v.version AND r.request_id = ?)"
                    + " ORDER BY v.model_id, v.version",
                JdbcVersionDao::map,
                requestId));
  }

  @Override
  public boolean markPurged(String modelId, int version, Instant at) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    "UPDATE model_versions SET artifact_purged_at = ?"
                        + " WHERE model_id = ? AND version = ? AND artifact_purged_at IS NULL",
                    at,
                    modelId,
                    version)
                == 1);
  }

  @Override
  public boolean artifactInUseElsewhere(String artifactUri, String modelId, int version) {
    return db.withConnection(
        c ->
            Sql.count(
                    c,
                    "SELECT count(*) FROM model_versions WHERE artifact_uri = ?"
                        + " AND artifact_purged_at IS NULL"
                        + " AND NOT (model_id = ? AND version = ?)",
                    artifactUri,
                    modelId,
                    version)
                > 0);
  }

  @Override
  public boolean setTag(String modelId, int version, String tag, String value) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    "INSERT INTO version_tags (model_id, version, tag, value) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (model_id, version, tag) DO UPDATE SET value ="
                        + " EXCLUDED.value WHERE version_tags.value IS DISTINCT FROM"
                        + " EXCLUDED.value",
                    modelId,
                    version,
                    tag,
                    value)
                == 1);
  }

  @Override
  public boolean removeTag(String modelId, int version, String tag) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    "DELETE FROM version_tags WHERE model_id = ? AND version = ? AND tag = ?",
                    modelId,
                    version,
                    tag)
                == 1);
  }

  private static VersionRow map(ResultSet rs) throws SQLException {
    return new VersionRow(
        rs.getString("model_id"),
        rs.getInt("version"),
        Sql.integer(rs, "parent_version"),
        rs.getString("batch_id"),
        strings(rs.getArray("request_ids")),
        io.lethe.avro.VerificationStatus.valueOf(rs.getString("status")),
        rs.getString("failure_reason"),
        rs.getString("method"),
        rs.getString("device"),
        rs.getString("artifact_uri"),
        rs.getString("artifact_sha256"),
        rs.getLong("artifact_size_bytes"),
        rs.getBoolean("artifact_verified"),
        rs.getString("artifact_problem"),
        Sql.instant(rs, "artifact_purged_at"),
        new Metrics(
            Sql.dbl(rs, "forget_accuracy"),
            Sql.dbl(rs, "retain_accuracy"),
            Sql.dbl(rs, "test_accuracy"),
            Sql.dbl(rs, "mia"),
            Sql.dbl(rs, "avg_gap"),
            Sql.dbl(rs, "js_divergence"),
            Sql.dbl(rs, "parameter_distance"),
            rs.getInt("forget_set_size"),
            rs.getInt("retain_set_size"),
            rs.getLong("duration_millis"),
            Sql.dbl(rs, "speedup"),
            rs.getString("evidence"),
            Sql.integer(rs, "per_example_reference_models"),
            Sql.dbl(rs, "per_example_mean_score"),
            Sql.dbl(rs, "per_example_worst_score"),
            Sql.dbl(rs, "per_example_flagged"),
            Sql.dbl(rs, "per_example_power"),
            Sql.dbl(rs, "drift_test_drop"),
            Sql.dbl(rs, "drift_earlier_forget_accuracy"),
            Sql.dbl(rs, "drift_divergence"),
            rs.getString("reanchor_reason")),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "ingested_at"),
        rs.getString("fingerprint"),
        tags(strings(rs.getArray("tags")), strings(rs.getArray("tag_values"))));
  }

  /** Both arrays are ordered by tag name, so they pair up index by index. */
  private static Map<String, String> tags(List<String> names, List<String> values) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      tags.put(names.get(i), values.get(i));
    }
    return tags;
  }

  private static List<String> strings(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    try {
      return Arrays.asList((String[]) array.getArray());
    } finally {
      array.free();
    }
  }
}
