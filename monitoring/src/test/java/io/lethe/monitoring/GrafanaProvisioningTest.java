package io.lethe.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana provisioning and the dashboards fit together and with docker-compose.yml: one
 * datasource uid everywhere, the provisioned folder is the mounted one, every panel has a query,
 * every variable a query uses is defined, and panels stay on the 24-column grid.
 */
class GrafanaProvisioningTest {
  private static final Path ROOT = MonitoringContract.findRepositoryRoot();
  private static final Path GRAFANA = ROOT.resolve("monitoring/grafana");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)|\\[\\[([A-Za-z_][A-Za-z0-9_]*)");

  @Test
  void theDatasourceIsTheStacksPrometheus() throws IOException {
    JsonNode ds = onlyDatasource();
    assertEquals("prometheus", ds.path("type").asText());
    assertEquals("http://prometheus:9090", ds.path("url").asText());
    assertTrue(ds.path("isDefault").asBoolean());
    JsonNode compose = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    assertTrue(compose.path("services").has("prometheus"));
    assertTrue(
        compose.path("services").path("prometheus").path("ports").toString().contains(":9090"));
  }

  @Test
  void theProvisionedFolderIsTheMountedOne() throws IOException {
    JsonNode providers =
        YAML.readTree(GRAFANA.resolve("provisioning/dashboards/lethe.yml").toFile())
            .path("providers");
    assertEquals(1, providers.size());
    String path = providers.get(0).path("options").path("path").asText();
    JsonNode grafana =
        YAML.readTree(ROOT.resolve("docker-compose.yml").toFile()).path("services").path("grafana");
    Map<String, String> mounts = new HashMap<>();
    grafana
        .path("volumes")
        .forEach(v -> mounts.put(v.asText().split(":")[0], v.asText().split(":")[1]));
    assertEquals(path, mounts.get("./monitoring/grafana/dashboards"));
    assertEquals("/etc/grafana/provisioning", mounts.get("./monitoring/grafana/provisioning"));
    String home =
        grafana.path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
    assertTrue(home.startsWith(path + "/"), home);
    assertTrue(
        Files.exists(GRAFANA.resolve("dashboards").resolve(home.substring(path.length() + 1))));
  }

  @Test
  void dashboardsAreWellFormed() throws IOException {
    String uid = onlyDatasource().path("uid").asText();
    Set<String> dashboardUids = new HashSet<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(GRAFANA.resolve("dashboards"))) {
      files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertEquals(2, files.size(), files.toString());
    for (Path file : files) {
      JsonNode d = JSON.readTree(file.toFile());
      String name = file.getFileName().toString();
      assertTrue(dashboardUids.add(d.path("uid").asText()), name + ": duplicate uid");
      assertFalse(d.path("title").asText().isBlank(), name);
      Set<String> variables = new HashSet<>();
      for (JsonNode v : d.path("templating").path("list")) {
        variables.add(v.path("name").asText());
        assertEquals(uid, v.path("datasource").path("uid").asText(), name + " variable");
      }
      Set<Integer> ids = new HashSet<>();
      List<JsonNode> panels = new ArrayList<>();
      d.path("panels").forEach(panels::add);
      d.path("panels").forEach(p -> p.path("panels").forEach(panels::add));
      assertTrue(panels.size() > 8, name + " has few panels");
      for (JsonNode p : panels) {
        String title = name + " / " + p.path("title").asText();
        assertTrue(ids.add(p.path("id").asInt()), title + ": duplicate panel id");
        JsonNode grid = p.path("gridPos");
        assertTrue(grid.path("x").asInt() + grid.path("w").asInt() <= 24, title + " off the grid");
        if (p.path("type").asText().equals("row")) {
          continue;
        }
        assertEquals(uid, p.path("datasource").path("uid").asText(), title);
        assertTrue(p.path("targets").size() > 0, title + " has no query");
        Set<String> refIds = new HashSet<>();
        for (JsonNode t : p.path("targets")) {
          String expr = t.path("expr").asText();
          assertFalse(expr.isBlank(), title + ": empty query");
          assertTrue(refIds.add(t.path("refId").asText()), title + ": duplicate refId");
          assertEquals(uid, t.path("datasource").path("uid").asText(), title);
          Matcher m = VARIABLE.matcher(expr);
          while (m.find()) {
            String var = m.group(1) != null ? m.group(1) : m.group(2);
            assertTrue(
                var.startsWith("__") || variables.contains(var),
                title + ": undefined variable $" + var);
          }
        }
      }
    }
  }

  private static JsonNode onlyDatasource() throws IOException {
    JsonNode list =
        YAML.readTree(GRAFANA.resolve("provisioning/datasources/prometheus.yml").toFile())
            .path("datasources");
    assertEquals(1, list.size());
    return list.get(0);
  }
}
