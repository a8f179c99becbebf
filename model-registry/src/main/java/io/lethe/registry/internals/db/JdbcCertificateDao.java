package io.lethe.registry.internals.db;

import java.util.Optional;

/** {@link CertificateDao} in plain SQL. */
public final class JdbcCertificateDao implements CertificateDao {
  private final Database db;

  public JdbcCertificateDao(Database db) {
    this.db = db;
  }

  @Override
  public Optional<String> find(String requestId, String modelId) {
    return db
        .withConnection(
            c ->
                Sql.query(
                    c,
                    "SELECT document FROM certificates WHERE request_id = ? AND model_id = ?",
                    rs -> rs.getString(1),
                    requestId,
                    modelId))
        .stream()
        .findFirst();
  }

  @Override
  public boolean insert(String requestId, String modelId, String keyId, String document) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    "INSERT INTO certificates (request_id, model_id, key_id, document)"
                        + " VALUES (?, ?, ?, ?) ON CONFLICT (request_id, model_id) DO NOTHING",
                    requestId,
                    modelId,
                    keyId,
                    document)
                == 1);
  }
}
