package io.lethe.registry.internals.web;

import static io.lethe.registry.internals.web.Route.Access.ADMIN;
import static io.lethe.registry.internals.web.Route.Access.PUBLIC;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;

/** Every route of the registry, declared in this one place. */
public final class Routes {
  private Routes() {}

  public static List<Route> all(
      ModelController models,
      AliasController aliases,
      RequestController requests,
      AuditController audit,
      DeadLetterController deadLetters,
      RegistrationController registrations,
      CalibrationController calibrations,
      SystemController system) {
    return List.of(
        get("/", PUBLIC, system::page),
        get("/health", PUBLIC, system::health),
        get("/metrics", PUBLIC, system::metrics),
        get("/openapi.json", PUBLIC, system::openApi),
        get("/api/models", PUBLIC, models::listModels),
        get("/api/models/{modelId}", PUBLIC, models::getModel),
        put("/api/models/{modelId}/tags/{tag}", ADMIN, models::setModelTag),
        delete("/api/models/{modelId}/tags/{tag}", ADMIN, models::removeModelTag),
        get("/api/models/{modelId}/versions", PUBLIC, models::listVersions),
        get("/api/models/{modelId}/versions/{version}", PUBLIC, models::getVersion),
        get("/api/models/{modelId}/versions/{version}/artifact", PUBLIC, models::artifact),
        put("/api/models/{modelId}/versions/{version}/tags/{tag}", ADMIN, models::addTag),
        delete("/api/models/{modelId}/versions/{version}/tags/{tag}", ADMIN, models::removeTag),
        get("/api/models/{modelId}/aliases", PUBLIC, aliases::listAliases),
        get("/api/models/{modelId}/aliases/{alias}", PUBLIC, aliases::getAlias),
        get("/api/models/{modelId}/aliases/{alias}/artifact", PUBLIC, aliases::artifact),
        put("/api/models/{modelId}/aliases/{alias}", ADMIN, aliases::promote),
        delete("/api/models/{modelId}/aliases/{alias}", ADMIN, aliases::removeAlias),
        post("/api/models/{modelId}/aliases/{alias}/rollback", ADMIN, aliases::rollback),
        post("/api/models/{modelId}/purge", ADMIN, models::purge),
        get("/api/models/{modelId}/calibration", PUBLIC, calibrations::latest),
        get("/api/models/{modelId}/calibrations", PUBLIC, calibrations::history),
        get("/api/requests/{requestId}", PUBLIC, requests::getRequest),
        get("/api/requests/{requestId}/certificate", PUBLIC, requests::certificate),
        post("/api/certificates/verify", PUBLIC, requests::verifyCertificate),
        get("/api/certificates/public-key", PUBLIC, requests::publicKey),
        get("/api/audit", PUBLIC, audit::list),
        get("/api/dead-letters", PUBLIC, deadLetters::list),
        post("/api/registrations", ADMIN, registrations::submit),
        get("/api/registrations/{registrationId}", PUBLIC, registrations::getRegistration));
  }

  private static Route get(String path, Route.Access access, Handler handler) {
    return new Route(HandlerType.GET, path, access, handler);
  }

  private static Route put(String path, Route.Access access, Handler handler) {
    return new Route(HandlerType.PUT, path, access, handler);
  }

  private static Route post(String path, Route.Access access, Handler handler) {
    return new Route(HandlerType.POST, path, access, handler);
  }

  private static Route delete(String path, Route.Access access, Handler handler) {
    return new Route(HandlerType.DELETE, path, access, handler);
  }
}
