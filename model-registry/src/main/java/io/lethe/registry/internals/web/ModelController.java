package io.lethe.registry.internals.web;

import io.javalin.http.Context;
import io.lethe.registry.internals.service.PurgeService;
import io.lethe.registry.internals.service.VersionService;
import io.lethe.registry.internals.service.Views;
import io.lethe.registry.internals.web.Dtos.PageDto;
import io.lethe.registry.internals.web.Dtos.VersionDto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/** HTTP I/O for models, versions, artifacts, tags and purge. */
public final class ModelController {
  static final int DEFAULT_PAGE_SIZE = 50;

  private final VersionService registry;
  private final PurgeService purges;

  public ModelController(VersionService versions, PurgeService purges) {
    this.registry = versions;
    this.purges = purges;
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
    Views.ArtifactFile file =
        registry.artifact(ctx.pathParam("modelId"), Params.pathInt(ctx, "version"));
    String filename = file.modelId() + "-v" + file.version() + "-" + file.sha256() + ".bin";
    ctx.contentType("application/octet-stream");
    // The model id comes from Kafka: only safe characters reach the header.
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\"" + filename.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
    ctx.header("X-Checksum-SHA256", file.sha256());
    ctx.header(
        "Digest",
        "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(file.sha256())));
    try {
      ctx.result(Files.newInputStream(file.path()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void addTag(Context ctx) {
    ctx.json(
        Map.of(
            "tags",
            registry.addTag(
                ctx.pathParam("modelId"),
                Params.pathInt(ctx, "version"),
                ctx.pathParam("tag"),
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

  void purge(Context ctx) {
    ctx.json(
        purges.purge(ctx.pathParam("modelId"), Params.queryBool(ctx, "dryRun"), Params.actor(ctx)));
  }
}
