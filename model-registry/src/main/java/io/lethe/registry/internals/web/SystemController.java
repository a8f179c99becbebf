package io.lethe.registry.internals.web;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

/** The web page, the OpenAPI document, health and the Prometheus scrape. */
public final class SystemController {
  private final PrometheusMeterRegistry meters;
  private final Supplier<Map<String, Object>> health;
  private final byte[] page = resource("/web/index.html");
  private final byte[] openApi = resource("/web/openapi.json");

  public SystemController(PrometheusMeterRegistry meters, Supplier<Map<String, Object>> health) {
    this.meters = meters;
    this.health = health;
  }

  void page(Context ctx) {
    ctx.contentType("text/html; charset=utf-8").result(page);
  }

  void openApi(Context ctx) {
    ctx.contentType("application/json").result(openApi);
  }

  void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape());
  }

  void health(Context ctx) {
    Map<String, Object> status = health.get();
    ctx.status("UP".equals(status.get("status")) ? 200 : 503).json(status);
  }

  private static byte[] resource(String name) {
    try (InputStream in = SystemController.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
