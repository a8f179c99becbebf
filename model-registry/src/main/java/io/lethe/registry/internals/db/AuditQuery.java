package io.lethe.registry.internals.db;

/** Filters for reading the audit log, newest first; null means "any". */
public record AuditQuery(String modelId, String requestId, String action, int offset, int limit) {}
