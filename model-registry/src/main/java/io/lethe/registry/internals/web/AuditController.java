package io.lethe.registry.internals.web;

import io.javalin.http.Context;
import io.lethe.registry.internals.service.AuditService;
import io.lethe.registry.internals.web.Dtos.PageDto;

/** HTTP I/O for the append-only audit log (read only: nothing can change it). */
public final class AuditController {
  private final AuditService registry;

  public AuditController(AuditService registry) {
    this.registry = registry;
  }

  void list(Context ctx) {
    ctx.json(
        PageDto.of(
            registry.audit(
                ctx.queryParam("modelId"),
                ctx.queryParam("requestId"),
                ctx.queryParam("action"),
                Params.queryInt(ctx, "page", 0),
                Params.queryInt(ctx, "size", ModelController.DEFAULT_PAGE_SIZE)),
            e -> e));
  }
}
