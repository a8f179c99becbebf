package io.lethe.registry.internals.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The route table and the served OpenAPI document describe the same API. */
class RoutesTest {

  /** The route table, with controllers that are never called. */
  static List<Route> routes() {
    return Routes.all(
        new ModelController(null, null, null),
        new AliasController(null, null),
        new RequestController(null, null),
        new AuditController(null),
        new DeadLetterController(null),
        new RegistrationController(null),
        new CalibrationController(null),
        new SystemController(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map::of));
  }

  static JsonNode openApi() throws Exception {
    try (InputStream in = RoutesTest.class.getResourceAsStream("/web/openapi.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws Exception {
    JsonNode paths = openApi().get("paths");
    Set<String> documented = new TreeSet<>();
    paths
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
    Set<String> routed = new TreeSet<>();
    for (Route r : routes()) {
      routed.add(r.method().name() + " " + r.path());
    }
    assertEquals(routed, documented);
  }

  @Test
  void documentedSecurityMatchesTheRouteAccess() throws Exception {
    JsonNode paths = openApi().get("paths");
    for (Route r : routes()) {
      JsonNode op = paths.get(r.path()).get(r.method().name().toLowerCase(Locale.ROOT));
      boolean secured = op.has("security");
      assertEquals(r.access() == Route.Access.ADMIN, secured, r.method() + " " + r.path());
    }
  }

  @Test
  void everyMutatingRouteNeedsTheTokenExceptCertificateVerification() {
    for (Route r : routes()) {
      boolean mutating = !r.method().name().equals("GET");
      if (r.path().equals("/api/certificates/verify")) {
        assertEquals(Route.Access.PUBLIC, r.access(), "verifying changes nothing");
      } else if (mutating) {
        assertEquals(Route.Access.ADMIN, r.access(), r.method() + " " + r.path());
      } else {
        assertEquals(Route.Access.PUBLIC, r.access(), r.method() + " " + r.path());
      }
    }
    assertFalse(routes().isEmpty());
    assertTrue(routes().stream().anyMatch(r -> r.access() == Route.Access.ADMIN));
  }
}
