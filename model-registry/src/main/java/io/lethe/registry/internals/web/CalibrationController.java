package io.lethe.registry.internals.web;

import io.javalin.http.Context;
import io.lethe.registry.internals.service.CalibrationService;
import io.lethe.registry.internals.web.Dtos.PageDto;

/** HTTP I/O for a model's calibration reports (read only). */
public final class CalibrationController {
  private final CalibrationService calibrations;

  public CalibrationController(CalibrationService calibrations) {
    this.calibrations = calibrations;
  }

  void latest(Context ctx) {
    ctx.json(calibrations.latest(ctx.pathParam("modelId")));
  }

  void history(Context ctx) {
    Integer generation =
        ctx.queryParam("generation") == null ? null : Params.queryInt(ctx, "generation", 0);
    ctx.json(
        PageDto.of(
            calibrations.history(
                ctx.pathParam("modelId"),
                generation,
                Params.queryInt(ctx, "page", 0),
                Params.queryInt(ctx, "size", ModelController.DEFAULT_PAGE_SIZE)),
            c -> c));
  }
}
