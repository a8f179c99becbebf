package io.lethe.registry.internals.service;

import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditQuery;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.service.Views.Page;

/** Reading the append-only audit log. */
public final class AuditService {
  private final Database db;
  private final AuditDao audit;

  public AuditService(Database db, AuditDao audit) {
    this.db = db;
    this.audit = audit;
  }

  public Page<Views.AuditView> audit(
      String modelId, String requestId, String action, int page, int size) {
    AuditQuery q =
        new AuditQuery(
            Checks.blankToNull(modelId),
            Checks.blankToNull(requestId),
            Checks.blankToNull(action),
            Checks.offset(page, size),
            size);
    return db.inTransaction(
        () -> new Page<>(audit.list(q), page, size, audit.count(q)).map(Views.AuditView::of));
  }
}
