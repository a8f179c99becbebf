package io.lethe.registry.internals.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link AuditDao} in plain SQL; details are stored as JSONB. */
public final class JdbcAuditDao implements AuditDao {
  private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {};

  private final Database db;
  private final ObjectMapper json;

  public JdbcAuditDao(Database db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  @Override
  public long append(AuditEntry e) {
    String details;
    try {
      details = json.writeValueAsString(e.details());
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("audit details are not serializable", ex);
    }
    return db.withConnection(
        c ->
            Sql.query(
                    c,
                    "INSERT INTO audit_log (actor, action, model_id, version, request_id, details)"
                        + " VALUES (?, ?, ?, ?, ?, ?::jsonb) RETURNING id",
                    rs -> rs.getLong(1),
                    e.actor(),
                    e.action(),
                    e.modelId(),
                    e.version(),
                    e.requestId(),
                    details)
                .get(0));
  }

  @Override
  public List<AuditEntry> list(AuditQuery q) {
    List<Object> args = new ArrayList<>();
    String where = where(q, args);
    args.add(q.limit());
    args.add(q.offset());
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT * FROM audit_log" + where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                this::map,
                args.toArray()));
  }

  @Override
  public long count(AuditQuery q) {
    List<Object> args = new ArrayList<>();
    String where = where(q, args);
    return db.withConnection(
        c -> Sql.count(c, "SELECT count(*) FROM audit_log" + where, args.toArray()));
  }

  @Override
  public boolean exists(
      String action, String modelId, Integer version, String detailKey, String value) {
    return db.withConnection(
        c ->
            Sql.count(
                    c,
                    "SELECT count(*) FROM audit_log WHERE action = ? AND model_id = ?"
                        + " AND version IS NOT DISTINCT FROM ? AND details ->> ? = ?",
                    action,
                    modelId,
                    version,
                    detailKey,
                    value)
                > 0);
  }

  private static String where(AuditQuery q, List<Object> args) {
    List<String> clauses = new ArrayList<>();
    if (q.modelId() != null) {
      clauses.add("model_id = ?");
      args.add(q.modelId());
    }
    if (q.requestId() != null) {
      clauses.add("request_id = ?");
      args.add(q.requestId());
    }
    if (q.action() != null) {
      clauses.add("action = ?");
      args.add(q.action());
    }
    return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
  }

  private AuditEntry map(ResultSet rs) throws SQLException {
    Map<String, Object> details;
    try {
      details = json.readValue(rs.getString("details"), DETAILS);
    } catch (JsonProcessingException e) {
      throw new SQLException("unreadable audit details", e);
    }
    return new AuditEntry(
        rs.getLong("id"),
        Sql.instant(rs, "at"),
        rs.getString("actor"),
        rs.getString("action"),
        rs.getString("model_id"),
        Sql.integer(rs, "version"),
        rs.getString("request_id"),
        details);
  }
}
