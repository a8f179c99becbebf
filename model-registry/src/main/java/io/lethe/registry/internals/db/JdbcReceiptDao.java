package io.lethe.registry.internals.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** {@link ReceiptDao} in plain SQL. */
public final class JdbcReceiptDao implements ReceiptDao {
  private final Database db;

  public JdbcReceiptDao(Database db) {
    this.db = db;
  }

  @Override
  public boolean insert(ReceiptRow row) {
    return db.withConnection(
        c ->
            Sql.update(
                    c,
                    """
                    INSERT INTO receipts (receipt_key, request_id, status, model_id, batch_id,
                                          model_version, reason, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (receipt_key) DO NOTHING
                    """,
                    row.receiptKey(),
                    row.requestId(),
                    row.status().name(),
                    row.modelId(),
                    row.batchId(),
                    row.modelVersion(),
                    row.reason(),
                    row.at())
                == 1);
  }

  @Override
  public List<ReceiptRow> forRequest(String requestId) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT * FROM receipts WHERE request_id = ? ORDER BY at, id",
                JdbcReceiptDao::map,
                requestId));
  }

  @Override
  public List<ReceiptRow> appliedOnModel(String modelId) {
    return db.withConnection(
        c ->
            Sql.query(
                c,
                "SELECT * FROM receipts WHERE model_id = ? AND status = 'APPLIED'"
                    + " AND model_version IS NOT NULL ORDER BY at, id",
                JdbcReceiptDao::map,
                modelId));
  }

  private static ReceiptRow map(ResultSet rs) throws SQLException {
    return new ReceiptRow(
        rs.getString("receipt_key"),
        rs.getString("request_id"),
        io.lethe.avro.ReceiptStatus.valueOf(rs.getString("status")),
        rs.getString("model_id"),
        rs.getString("batch_id"),
        Sql.integer(rs, "model_version"),
        rs.getString("reason"),
        Sql.instant(rs, "at"),
        Sql.instant(rs, "ingested_at"));
  }
}
