package io.lethe.registry.internals.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.lethe.registry.internals.service.ModelService;
import io.lethe.registry.internals.service.PurgeService;
import io.lethe.registry.internals.service.VersionService;
import io.lethe.registry.internals.web.Dtos.PageDto;
import io.lethe.registry.internals.web.Dtos.TagRequest;
import io.lethe.registry.internals.web.Dtos.VersionDto;
import java.util.Map;

/** HTTP I/O for models, versions, artifacts, tags and purge. */
public final class ModelController {
  static final int DEFAULT_PAGE_SIZE = 50;

  private final VersionService registry;
  private final ModelService models;
  private final PurgeService purges;
  private final ObjectMapper json = Json.mapper();

  public ModelController(VersionService versions, ModelService models, PurgeService purges) {
    this.registry = versions;
    this.models = models;
    this.purges = purges;
  }

  void getModel(Context ctx) {
    ctx.json(models.model(ctx.pathParam("modelId")));
  }

  void setModelTag(Context ctx) {
    ctx.json(
        Map.of(
            "tags",
            models.setTag(
                ctx.pathParam("modelId"), ctx.pathParam("tag"), tagValue(ctx), Params.actor(ctx))));
  }

  void removeModelTag(Context ctx) {
    ctx.json(
        Map.of(
            "tags",
            models.removeTag(ctx.pathParam("modelId"), ctx.pathParam("tag"), Params.actor(ctx))));
  }

  void listModels(Context ctx) {
    ctx.json(
        PageDto.of(
            registry.models(
                ctx.queryParam("q"),
                Params.queryInt(ctx, "page", 0),
                Params.queryInt(ctx, "size", DEFAULT_PAGE_SIZE)),
            m -> m));
  }

  void listVersions(Context ctx) {
    ctx.json(
        PageDto.of(
            registry.versions(
                ctx.pathParam("modelId"),
                ctx.queryParam("status"),
                ctx.queryParam("tag"),
                Params.queryInstant(ctx, "since"),
                Params.queryInstant(ctx, "until"),
                Params.queryInt(ctx, "page", 0),
                Params.queryInt(ctx, "size", DEFAULT_PAGE_SIZE)),
            VersionDto::of));
  }

  void getVersion(Context ctx) {
    ctx.json(
        VersionDto.of(registry.version(ctx.pathParam("modelId"), Params.pathInt(ctx, "version"))));
  }

  void artifact(Context ctx) {
    ArtifactDownload.send(
        ctx, registry.artifact(ctx.pathParam("modelId"), Params.pathInt(ctx, "version")));
  }

  void addTag(Context ctx) {
    ctx.json(
        Map.of(
            "tags",
            registry.setTag(
                ctx.pathParam("modelId"),
                Params.pathInt(ctx, "version"),
                ctx.pathParam("tag"),
                tagValue(ctx),
                Params.actor(ctx))));
  }

  void removeTag(Context ctx) {
    ctx.json(
        Map.of(
            "tags",
            registry.removeTag(
                ctx.pathParam("modelId"),
                Params.pathInt(ctx, "version"),
                ctx.pathParam("tag"),
                Params.actor(ctx))));
  }

  private String tagValue(Context ctx) {
    TagRequest body = Params.body(ctx, json, TagRequest.class);
    return body == null ? null : body.value();
  }

  void purge(Context ctx) {
    ctx.json(
        purges.purge(ctx.pathParam("modelId"), Params.queryBool(ctx, "dryRun"), Params.actor(ctx)));
  }
}
