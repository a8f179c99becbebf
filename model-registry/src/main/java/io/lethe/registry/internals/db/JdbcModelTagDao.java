package io.lethe.registry.internals.db;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@link ModelTagDao} in plain SQL. */
public final class JdbcModelTagDao implements ModelTagDao {
  private final Database db;

  public JdbcModelTagDao(Database db) {
    this.db = db;
  }

  @Override
  public Map<String, String> list(String modelId) {
    Map<String, String> tags = new LinkedHashMap<>();
    db.withConnection(
            c ->
                Sql.query(
                    c,
                    "SELECT tag, value FROM model_tags WHERE model_id = ? ORDER BY tag",
                    rs -> new Tag(rs.getString("tag"), rs.getString("value")),
                    modelId))
        .forEach(t -> tags.put(t.name(), t.value()));
    return tags;
  }

  @Override
  public boolean set(String modelId, String tag, String value) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    "INSERT INTO model_tags (model_id, tag, value) VALUES (?, ?, ?)"
                        + " ON CONFLICT (model_id, tag) DO UPDATE SET value = EXCLUDED.value,"
                        + " updated_at = now()"
                        + " WHERE model_tags.value IS DISTINCT FROM EXCLUDED.value",
                    modelId,
                    tag,
                    value)
                == 1);
  }

  @Override
  public boolean remove(String modelId, String tag) {
    return db.withConnection(
        c ->
            Sql.update(c, "DELETE FROM model_tags WHERE model_id = ? AND tag = ?", modelId, tag)
                == 1);
  }

  /** One row; {@code Map.entry} would refuse a null value. */
  private record Tag(String name, String value) {}
}
