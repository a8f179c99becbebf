package io.lethe.registry.internals.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.lethe.registry.internals.service.DatabaseOutage;
import io.lethe.registry.internals.service.RegistryException;
import io.lethe.registry.internals.web.Dtos.ErrorDto;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Javalin server from the route list: admin routes behind the bearer token, and every
 * failure turned into one JSON {@link ErrorDto} here, in one place. Stack traces go to the log,
 * never to the client.
 */
public final class HttpServer {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  public static Javalin create(List<Route> routes, ObjectMapper json, String adminToken) {
    byte[] token = adminToken.getBytes(StandardCharsets.UTF_8);
    return Javalin.create(
        config -> {
          config.showJavalinBanner = false;
          config.startupWatcherEnabled = false;
          config.jsonMapper(new JavalinJackson(json, false));
          config.http.maxRequestSize = Params.MAX_BODY_BYTES;
          config.router.mount(
              router -> {
                for (Route route : routes) {
                  Handler handler =
                      route.access() == Route.Access.ADMIN
                          ? admin(token, route.handler())
                          : route.handler();
                  router.addHttpHandler(route.method(), route.path(), handler);
                }
                router.exception(
                    RegistryException.class, (e, ctx) -> refuse(ctx, status(e), e.getMessage()));
                router.exception(
                    HttpResponseException.class,
                    (e, ctx) -> refuse(ctx, e.getStatus(), e.getMessage()));
                router.exception(
                    Exception.class,
                    (e, ctx) -> {
                      if (DatabaseOutage.causes(e)) {
                        // The database is away (its outage shows in /health too): a short line,
                        // not a stack trace per request, and a status that tells clients to retry.
                        log.warn("{} {}: the database is unavailable", ctx.method(), ctx.path());
                        ctx.header("Retry-After", "5");
                        refuse(
                            ctx, 503, "the registry's database is unavailable; try again shortly");
                      } else {
                        String id = UUID.randomUUID().toString();
                        log.error("Internal error {} on {} {}", id, ctx.method(), ctx.path(), e);
                        refuse(ctx, 500, "internal error (reference " + id + ")");
                      }
                    });
                router.error(404, ctx -> fillIfEmpty(ctx, "no such resource"));
                router.error(405, ctx -> fillIfEmpty(ctx, "method not allowed"));
              });
        });
  }

  private static Handler admin(byte[] token, Handler handler) {
    return ctx -> {
      String header = ctx.header("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"lethe-registry\"");
        throw RegistryException.unauthenticated("this endpoint needs an admin bearer token");
      }
      byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(offered, token)) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"lethe-registry\", error=\"invalid_token\"");
        throw RegistryException.unauthenticated("invalid bearer token");
      }
      handler.handle(ctx);
    };
  }

  static int status(RegistryException e) {
    return switch (e.kind()) {
      case INVALID -> 400;
      case UNAUTHENTICATED -> 401;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case GONE -> 410;
      case TOO_LARGE -> 413;
    };
  }

  private static void refuse(Context ctx, int status, String message) {
    ctx.status(status).json(new ErrorDto(status, reason(status), message, ctx.path()));
  }

  private static void fillIfEmpty(Context ctx, String message) {
    if (ctx.result() == null || ctx.result().isEmpty()) {
      int status = ctx.statusCode();
      ctx.json(new ErrorDto(status, reason(status), message, ctx.path()));
    }
  }

  private static String reason(int status) {
    io.javalin.http.HttpStatus known = io.javalin.http.HttpStatus.forStatus(status);
    return known == io.javalin.http.HttpStatus.UNKNOWN ? "Error" : known.getMessage();
  }
}
