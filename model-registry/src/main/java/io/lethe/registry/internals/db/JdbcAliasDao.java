package io.lethe.registry.internals.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** {@link AliasDao} in plain SQL. */
public final class JdbcAliasDao implements AliasDao {
  private final Database db;

  public JdbcAliasDao(Database db) {
    this.db = db;
  }

  @Override
  public Optional<AliasRow> find(String modelId, String alias) {
    return findOne("SELECT * FROM aliases WHERE model_id = ? AND alias = ?", modelId, alias);
  }

  @Override
  public void lock(String modelId, String alias) {
    db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                rs -> Boolean.TRUE,
                "alias\u001f" + modelId + "\u001f" + alias));
  }

  @Override
  public Optional<AliasRow> findForUpdate(String modelId, String alias) {
    return findOne(
        "SELECT * FROM aliases WHERE model_id = ? AND alias = ? FOR UPDATE", modelId, alias);
  }

  private Optional<AliasRow> findOne(String sql, String modelId, String alias) {
    return db.withConnection(c -> Sql.query(c, sql, JdbcAliasDao::map, modelId, alias)).stream()
        .findFirst();
  }

  @Override
  public List<AliasRow> list(String modelId) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT * FROM aliases WHERE model_id = ? ORDER BY alias",
                JdbcAliasDao::map,
                modelId));
  }

  @Override
  public List<AliasRow> listAll() {
    return db.withConnection(
        c -> Sql.query(c, "SELECT * FROM aliases ORDER BY model_id, alias", JdbcAliasDao::map));
  }

  @Override
  public void set(String modelId, String alias, int version) {
    db.withConnection(
        c ->
            Sql.update(
                c,
                """
                INSERT INTO aliases (model_id, alias, version, updated_at) VALUES (?, ?, ?, now())
                ON CONFLICT (model_id, alias)
                DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
                """,
                modelId,
                alias,
                version));
  }

  @Override
  public boolean delete(String modelId, String alias) {
    return db.withConnection(
        c ->
            Sql.update(c, "DELETE FROM aliases WHERE model_id = ? AND alias = ?", modelId, alias)
                == 1);
  }

  @Override
  public void recordMove(
      String modelId,
      String alias,
      io.lethe.avro.AliasMoveKind kind,
      Integer from,
      Integer to,
      String reason,
      String actor) {
    db.withConnection(
        c ->
            Sql.update(
                c,
                "INSERT INTO alias_history (model_id, alias, kind, from_version, to_version,"
                    + " reason, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
                modelId,
                alias,
                kind.name(),
                from,
                to,
                reason,
                actor));
  }

  @Override
  public Optional<AliasMove> lockNextUnpublished() {
    return db
        .withConnection(
            c ->
                Sql.query(
                    c,
                    "SELECT * FROM alias_history WHERE published_at IS NULL ORDER BY id"
                        + " LIMIT 1 FOR UPDATE SKIP LOCKED",
                    JdbcAliasDao::move))
        .stream()
        .findFirst();
  }

  @Override
  public void markPublished(long id) {
    db.withConnection(
        c -> Sql.update(c, "UPDATE alias_history SET published_at = now() WHERE id = ?", id));
  }

  @Override
  public List<AliasMove> history(String modelId, String alias) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT * FROM alias_history WHERE model_id = ? AND alias = ? ORDER BY id DESC",
                JdbcAliasDao::move,
                modelId,
                alias));
  }

  @Override
  public List<Integer> aliasedVersions(String modelId) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT DISTINCT version FROM aliases WHERE model_id = ? ORDER BY version",
                rs -> rs.getInt(1),
                modelId));
  }

  private static AliasMove move(ResultSet rs) throws SQLException {
    return new AliasMove(
        rs.getLong("id"),
        rs.getString("model_id"),
        rs.getString("alias"),
        io.lethe.avro.AliasMoveKind.valueOf(rs.getString("kind")),
        Sql.integer(rs, "from_version"),
        Sql.integer(rs, "to_version"),
        rs.getString("reason"),
        Sql.instant(rs, "moved_at"),
        rs.getString("actor"));
  }

  private static AliasRow map(ResultSet rs) throws SQLException {
    return new AliasRow(
        rs.getString("model_id"),
        rs.getString("alias"),
        rs.getInt("version"),
        Sql.instant(rs, "updated_at"));
  }
}
