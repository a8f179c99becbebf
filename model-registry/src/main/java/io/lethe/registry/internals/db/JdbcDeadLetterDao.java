package io.lethe.registry.internals.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** {@link DeadLetterDao} in plain SQL. */
public final class JdbcDeadLetterDao implements DeadLetterDao {
  private final Database db;

  public JdbcDeadLetterDao(Database db) {
    this.db = db;
  }

  @Override
  public boolean insert(DeadLetterRow row) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    """
                    INSERT INTO dead_letters (topic, record_partition, record_offset, record_key,
                                              error_kind, error_message, attempts,
                                              first_failed_at, last_failed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (topic, record_partition, record_offset) DO NOTHING
                    """,
                    row.topic(),
                    row.partition(),
                    row.offset(),
                    row.key(),
                    row.errorKind(),
                    row.errorMessage(),
                    row.attempts(),
                    row.firstFailedAt(),
                    row.lastFailedAt())
                == 1);
  }

  @Override
  public List<DeadLetterRow> list(String topic, int limit, int offset) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT * FROM dead_letters WHERE (?::text IS NULL OR topic = ?)"
                    + " ORDER BY id DESC LIMIT ? OFFSET ?",
                JdbcDeadLetterDao::map,
                topic,
                topic,
                limit,
                offset));
  }

  @Override
  public long count(String topic) {
    return db.withConnection(
        c ->
            Sql.count(
                c,
                "SELECT count(*) FROM dead_letters WHERE (?::text IS NULL OR topic = ?)",
                topic,
                topic));
  }

  private static DeadLetterRow map(ResultSet rs) throws SQLException {
    return new DeadLetterRow(
        rs.getLong("id"),
        rs.getString("topic"),
        rs.getInt("record_partition"),
        rs.getLong("record_offset"),
        rs.getString("record_key"),
        rs.getString("error_kind"),
        rs.getString("error_message"),
        rs.getInt("attempts"),
        Sql.instant(rs, "first_failed_at"),
        Sql.instant(rs, "last_failed_at"),
        Sql.instant(rs, "set_aside_at"));
  }
}
