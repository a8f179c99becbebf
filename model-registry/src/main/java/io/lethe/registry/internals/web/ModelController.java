package io.lethe.registry.internals.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.lethe.registry.internals.service.RegistryException;
import io.lethe.registry.internals.service.RegistryService;
import io.lethe.registry.internals.service.Views;
import io.lethe.registry.internals.web.Dtos.PageDto;
import io.lethe.registry.internals.web.Dtos.PromoteRequest;
import io.lethe.registry.internals.web.Dtos.ReasonRequest;
import io.lethe.registry.internals.web.Dtos.VersionDto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/** HTTP I/O for models, versions, artifacts, tags, aliases and purge. */
public final class ModelController {
  static final int DEFAULT_PAGE_SIZE = 50;

  private final RegistryService registry;
  private final ObjectMapper json;

  public ModelController(RegistryService registry, ObjectMapper json) {
    this.registry = registry;
    this.json = json;
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
    ctx.header(
        "Content-Disposition", "attachment; filename=\"" + filename.replace("\"", "") + "\"");
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

  void listAliases(Context ctx) {
    ctx.json(Map.of("aliases", registry.aliases(ctx.pathParam("modelId"))));
  }

  void getAlias(Context ctx) {
    ctx.json(registry.alias(ctx.pathParam("modelId"), ctx.pathParam("alias")));
  }

  void promote(Context ctx) {
    PromoteRequest body = Params.body(ctx, json, PromoteRequest.class);
    if (body == null || body.version() == null) {
      throw RegistryException.invalid("body must be {\"version\": <int>, \"reason\": <optional>}");
    }
    ctx.json(
        registry.promote(
            ctx.pathParam("modelId"),
            ctx.pathParam("alias"),
            body.version(),
            body.reason(),
            Params.actor(ctx)));
  }

  void rollback(Context ctx) {
    ReasonRequest body = Params.body(ctx, json, ReasonRequest.class);
    ctx.json(
        registry.rollback(
            ctx.pathParam("modelId"),
            ctx.pathParam("alias"),
            body == null ? null : body.reason(),
            Params.actor(ctx)));
  }

  void removeAlias(Context ctx) {
    ReasonRequest body = Params.body(ctx, json, ReasonRequest.class);
    registry.removeAlias(
        ctx.pathParam("modelId"),
        ctx.pathParam("alias"),
        body == null ? null : body.reason(),
        Params.actor(ctx));
    ctx.status(204);
  }

  void purge(Context ctx) {
    ctx.json(
        registry.purge(
            ctx.pathParam("modelId"), Params.queryBool(ctx, "dryRun"), Params.actor(ctx)));
  }
}
