package io.lethe.registry;

import static io.lethe.registry.RegistryFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.VerificationStatus;
import io.lethe.registry.internals.db.DataAccessException;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.EmbeddedDatabase;
import io.lethe.registry.internals.db.Migrations;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Body limits, paging bounds and the database role the application works as. */
class HardeningIntegrationTest {
  @TempDir static Path tempDir;
  static EmbeddedDatabase postgres;
  static RegistryFixture fx;

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.start(null);
    fx = new RegistryFixture(tempDir, null, postgres.jdbcUrl());
    fx.publish(fx.artifacts.version("hard-m", 1, VerificationStatus.PASSED, List.of()));
    fx.awaitVersion("hard-m", 1);
  }

  @AfterAll
  static void stop() {
    try {
      if (fx != null) {
        fx.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  /** Sends {@code size} bytes with no Content-Length: HttpClient streams it chunked. */
  static HttpResponse<String> chunked(String method, String path, String token, int size)
      throws Exception {
    byte[] body = new byte[size];
    java.util.Arrays.fill(body, (byte) 'a');
    body[0] = '{';
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(fx.app.baseUrl() + path))
            .method(
                method,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aChunked10MbBodyIsRefused() throws Exception {
    int auditBefore = fx.http.get("/api/audit?size=1").json().get("total").asInt();
    HttpResponse<String> verify = chunked("POST", "/api/certificates/verify", null, 10_000_000);
    assertEquals(413, verify.statusCode(), verify.body());
    HttpResponse<String> promote =
        chunked("PUT", "/api/models/hard-m/aliases/champion", TOKEN, 10_000_000);
    assertEquals(413, promote.statusCode(), promote.body());
    // Control: a small chunked body is read (and, being malformed JSON, refused as such).
    assertEquals(400, chunked("POST", "/api/certificates/verify", null, 100).statusCode());
    assertEquals(auditBefore, fx.http.get("/api/audit?size=1").json().get("total").asInt());
  }

  @Test
  void pagingCannotOverflow() {
    for (String path :
        new String[] {
          "/api/models?page=2147483647&size=500",
          "/api/models/hard-m/versions?page=2147483647&size=500",
          "/api/audit?page=2147483647&size=500"
        }) {
      Http.Response r = fx.http.get(path);
      assertEquals(400, r.status(), path + ": " + r.body());
    }
    assertEquals(200, fx.http.get("/api/models?page=4294967&size=500").status(), "control");
  }

  @Test
  void theApplicationsRoleCannotDropOrDisableTheAuditTriggers() throws Exception {
    Database app = new Database(postgres.dataSource(), Migrations.DEFAULT_APP_ROLE);
    // Control: the role can do its work, appending to the audit log.
    assertEquals(
        1,
        (int)
            app.withConnection(
                c -> {
                  try (Statement st = c.createStatement()) {
                    return st.executeUpdate(
                        "INSERT INTO audit_log (actor, action) VALUES ('test', 'role.check')");
                  }
                }));
    for (String sql :
        new String[] {
          "DROP TRIGGER audit_log_no_update_delete ON audit_log",
          "ALTER TABLE audit_log DISABLE TRIGGER ALL",
          "DROP TABLE audit_log",
          "DELETE FROM audit_log",
          "UPDATE model_versions SET status = 'PASSED'",
          "UPDATE model_versions SET reanchor_reason = NULL",
          "UPDATE calibrations SET status = 'CALIBRATED'",
          "DELETE FROM calibrations"
        }) {
      DataAccessException e =
          assertThrows(
              DataAccessException.class,
              () ->
                  app.withConnection(
                      c -> {
                        try (Statement st = c.createStatement()) {
                          return st.execute(sql);
                        }
                      }),
              sql);
      assertTrue(e.getCause() != null, sql);
    }
    // Control: the schema owner could drop the trigger (rolled back here).
    try (Connection owner = postgres.dataSource().getConnection()) {
      owner.setAutoCommit(false);
      try (Statement st = owner.createStatement()) {
        st.execute("DROP TRIGGER audit_log_no_update_delete ON audit_log");
      }
      owner.rollback();
    }
  }
}
