package io.lethe.registry.internals.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.lethe.registry.internals.service.AliasService;
import io.lethe.registry.internals.service.RegistryException;
import io.lethe.registry.internals.web.Dtos.PromoteRequest;
import io.lethe.registry.internals.web.Dtos.ReasonRequest;
import java.util.Map;

/** HTTP I/O for a model's aliases: list, promote, roll back, remove. */
public final class AliasController {
  private final AliasService aliases;
  private final ObjectMapper json;

  public AliasController(AliasService aliases, ObjectMapper json) {
    this.aliases = aliases;
    this.json = json;
  }

  void listAliases(Context ctx) {
    String modelId = ctx.pathParam("modelId");
    ctx.json(
        Map.of(
            "aliases",
            aliases.aliases(modelId),
            "policy",
            aliases.policy(modelId).name().toLowerCase(java.util.Locale.ROOT)));
  }

  void getAlias(Context ctx) {
    ctx.json(aliases.alias(ctx.pathParam("modelId"), ctx.pathParam("alias")));
  }

  /** What an alias points to, downloaded: a serving system follows {@code champion} by one URL. */
  void artifact(Context ctx) {
    ArtifactDownload.send(ctx, aliases.artifact(ctx.pathParam("modelId"), ctx.pathParam("alias")));
  }

  void promote(Context ctx) {
    PromoteRequest body = Params.body(ctx, json, PromoteRequest.class);
    if (body == null || body.version() == null) {
      throw RegistryException.invalid("body must be {\"version\": <int>, \"reason\": <optional>}");
    }
    ctx.json(
        aliases.promote(
            ctx.pathParam("modelId"),
            ctx.pathParam("alias"),
            body.version(),
            Params.reason(body.reason()),
            Params.actor(ctx)));
  }

  void rollback(Context ctx) {
    ReasonRequest body = Params.body(ctx, json, ReasonRequest.class);
    ctx.json(
        aliases.rollback(
            ctx.pathParam("modelId"),
            ctx.pathParam("alias"),
            body == null ? null : Params.reason(body.reason()),
            Params.actor(ctx)));
  }

  void removeAlias(Context ctx) {
    ReasonRequest body = Params.body(ctx, json, ReasonRequest.class);
    aliases.removeAlias(
        ctx.pathParam("modelId"),
        ctx.pathParam("alias"),
        body == null ? null : Params.reason(body.reason()),
        Params.actor(ctx));
    ctx.status(204);
  }
}
