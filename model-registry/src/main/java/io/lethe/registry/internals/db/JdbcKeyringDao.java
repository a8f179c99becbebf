package io.lethe.registry.internals.db;

import java.util.Optional;

/** {@link KeyringDao} in plain SQL. */
public final class JdbcKeyringDao implements KeyringDao {
  private final Database db;

  public JdbcKeyringDao(Database db) {
    this.db = db;
  }

  @Override
  public boolean add(String keyId, String publicKeyBase64) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    "INSERT INTO signing_keys (key_id, public_key) VALUES (?, ?)"
                        + " ON CONFLICT (key_id) DO NOTHING",
                    keyId,
                    publicKeyBase64)
                == 1);
  }

  @Override
  public Optional<String> publicKey(String keyId) {
    return db
        .withConnection(
            c ->
                Sql.query(
                    c,
                    "SELECT public_key FROM signing_keys WHERE key_id = ?",
                    rs -> rs.getString(1),
                    keyId))
        .stream()
        .findFirst();
  }
}
