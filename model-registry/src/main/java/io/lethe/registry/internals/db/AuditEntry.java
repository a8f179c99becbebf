package io.lethe.registry.internals.db;

import java.time.Instant;
import java.util.Map;

/** An entry of the append-only audit log. {@code id} and {@code at} are set by the database. */
public record AuditEntry(
    Long id,
    Instant at,
    String actor,
    String action,
    String modelId,
    Integer version,
    String requestId,
    Map<String, Object> details) {

  public AuditEntry {
    details = details == null ? Map.of() : details;
  }

  public static AuditEntry of(
      String actor,
      String action,
      String modelId,
      Integer version,
      String requestId,
      Map<String, Object> details) {
    return new AuditEntry(null, null, actor, action, modelId, version, requestId, details);
  }
}
