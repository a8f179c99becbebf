package io.lethe.registry.internals.web;

import io.javalin.http.Context;
import io.lethe.registry.internals.service.DeadLetterService;
import io.lethe.registry.internals.web.Dtos.PageDto;

/** HTTP I/O for the records the consumer set aside (read only). */
public final class DeadLetterController {
  private final DeadLetterService deadLetters;

  public DeadLetterController(DeadLetterService deadLetters) {
    this.deadLetters = deadLetters;
  }

  void list(Context ctx) {
    ctx.json(
        PageDto.of(
            deadLetters.list(
                ctx.queryParam("topic"),
                Params.queryInt(ctx, "page", 0),
                Params.queryInt(ctx, "size", ModelController.DEFAULT_PAGE_SIZE)),
            e -> e));
  }
}
