package io.lethe.registry.internals.db;

import java.util.List;

/** The append-only audit log: entries are added and read, never changed. */
public interface AuditDao {

  long append(AuditEntry entry);

  List<AuditEntry> list(AuditQuery query);

  long count(AuditQuery query);

  /** Whether an entry with this action, model, version and details value exists. */
  boolean exists(String action, String modelId, Integer version, String detailKey, String value);
}
