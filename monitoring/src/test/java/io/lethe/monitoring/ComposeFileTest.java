package io.lethe.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.lethe.launcher.ProcessorCommand;
import io.lethe.launcher.RegistryCommand;
import io.lethe.processor.metrics.MetricsServer;
import io.lethe.registry.RegistryConfig;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code docker-compose.yml} is a valid Compose file, and true to the build: Lethe's images are the
 * ones Jib builds, the ports are the services' defaults, Prometheus scrapes what runs.
 */
class ComposeFileTest {
  /** The model registry's default HTTP port (API, web page, /metrics, /health). */
  static final int REGISTRY_HTTP_PORT = RegistryConfig.DEFAULT_HTTP_PORT;

  private static final Path ROOT = MonitoringContract.findRepositoryRoot();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?-([^}]*))?}");

  private static JsonNode compose;
  private static Map<String, JibImage> jib;

  /** One Jib execution of launcher/pom.xml: the image and what it runs and exposes. */
  record JibImage(String image, List<String> args, List<Integer> ports) {}

  @BeforeAll
  static void read() throws Exception {
    compose = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    jib = jibImages();
  }

  @Test
  void validatesAgainstTheComposeSpecification() throws Exception {
    Set<ValidationMessage> errors = composeSchema().validate(compose);
    assertTrue(errors.isEmpty(), () -> "docker-compose.yml: " + errors);
  }

  @Test
  void theSchemaCatchesMistakes() throws Exception {
    JsonSchema schema = composeSchema();
    ObjectNode misspelt = compose.deepCopy();
    ((ObjectNode) misspelt.path("services").path("processor")).put("healthchek", "x");
    assertFalse(schema.validate(misspelt).isEmpty(), "an unknown service key must fail");
    ObjectNode wrongType = compose.deepCopy();
    ((ObjectNode) wrongType.path("services").path("postgres")).put("depends_on", 5);
    assertFalse(schema.validate(wrongType).isEmpty(), "a number for depends_on must fail");
  }

  @Test
  void dockerComposeAcceptsIt() throws Exception {
    assumeTrue(run(List.of("docker", "compose", "version")) == 0, "no docker compose here");
    assertEquals(
        0, run(List.of("docker", "compose", "-f", "docker-compose.yml", "config", "--quiet")));
  }

  @Test
  void letheImagesAreTheOnesJibBuilds() {
    assertEquals(Set.of("processor", "model-registry"), jib.keySet());
    String version = pomText(ROOT.resolve("pom.xml"), "version");
    assertEquals("lethe/processor:" + version, jib.get("processor").image());
    assertEquals("lethe/model-registry:" + version, jib.get("model-registry").image());
    for (String service : jib.keySet()) {
      assertEquals(
          jib.get(service).image(),
          interpolate(service(service).path("image").asText()),
          service + "'s image");
    }
    assertEquals(List.of("processor"), jib.get("processor").args());
    assertEquals(List.of("registry"), jib.get("model-registry").args());
    // Every lethe/ image in the stack is built by Jib.
    compose
        .path("services")
        .fields()
        .forEachRemaining(
            e -> {
              String image = interpolate(e.getValue().path("image").asText());
              if (image.startsWith("lethe/")) {
                assertEquals(jib.get(e.getKey()).image(), image, e.getKey());
              }
            });
  }

  @Test
  void thirdPartyImagesMatchTheBuildsVersions() {
    String kafka = pomProperty("kafka.version");
    assertEquals("apache/kafka:" + kafka, service("kafka").path("image").asText());
    assertTrue(
        service("apicurio").path("image").asText().startsWith("apicurio/apicurio-registry:3.0."));
    assertEquals("postgres:17", service("postgres").path("image").asText());
  }

  @Test
  void portsAreTheServicesDefaults() {
    int processorPort = MetricsServer.DEFAULT_PORT;
    assertEquals(List.of(processorPort), jib.get("processor").ports());
    assertEquals(List.of(processorPort), containerPorts("processor"));
    assertEquals(
        String.valueOf(processorPort), env("processor").get("LETHE_METRICS_PORT"), "processor");

    assertEquals(List.of(REGISTRY_HTTP_PORT), jib.get("model-registry").ports());
    assertEquals(List.of(REGISTRY_HTTP_PORT), containerPorts("model-registry"));
    assertEquals(String.valueOf(REGISTRY_HTTP_PORT), env("model-registry").get("LETHE_HTTP_PORT"));

    assertEquals(List.of(9090), containerPorts("prometheus"));
    assertEquals(List.of(3000), containerPorts("grafana"));
    // Host ports are unique.
    List<String> hostPorts = new ArrayList<>();
    compose
        .path("services")
        .forEach(s -> s.path("ports").forEach(p -> hostPorts.add(p.asText().split(":")[0])));
    assertEquals(hostPorts.size(), new TreeSet<>(hostPorts).size(), hostPorts.toString());
  }

  @Test
  void prometheusScrapesTheComposeServicesAtTheirPorts() throws Exception {
    JsonNode prometheus =
        YAML.readTree(ROOT.resolve("monitoring/prometheus/prometheus.yml").toFile());
    Map<String, String> targets = new HashMap<>();
    for (JsonNode job : prometheus.path("scrape_configs")) {
      for (JsonNode sc : job.path("static_configs")) {
        for (JsonNode t : sc.path("targets")) {
          targets.put(job.path("job_name").asText(), t.asText());
        }
      }
    }
    assertEquals("processor:" + MetricsServer.DEFAULT_PORT, targets.get("lethe-processor"));
    assertEquals("model-registry:" + REGISTRY_HTTP_PORT, targets.get("lethe-registry"));
    for (String target : targets.values()) {
      String host = target.split(":")[0];
      assertTrue(
          host.equals("localhost") || compose.path("services").has(host),
          () -> target + " is no service of docker-compose.yml");
    }
  }

  @Test
  void servicesAreHealthCheckedAndVolumesDeclaredAndMountsExist() {
    Set<String> declared = new TreeSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(declared::add);
    Set<String> used = new TreeSet<>();
    compose
        .path("services")
        .fields()
        .forEachRemaining(
            e -> {
              String name = e.getKey();
              JsonNode s = e.getValue();
              assertTrue(s.path("healthcheck").has("test"), name + " has no health check");
              for (JsonNode v : s.path("volumes")) {
                String source = v.asText().split(":")[0];
                if (source.startsWith("./")) {
                  assertTrue(
                      Files.exists(ROOT.resolve(source)), name + " mounts missing " + source);
                } else {
                  used.add(source);
                }
              }
              s.path("depends_on")
                  .fieldNames()
                  .forEachRemaining(
                      d -> assertTrue(compose.path("services").has(d), name + " -> " + d));
            });
    assertEquals(declared, used, "named volumes declared vs used");
  }

  @Test
  void everyLetheSettingIsDocumented() throws Exception {
    String doc = Files.readString(ROOT.resolve("docs/deployment.md"));
    for (String service : List.of("processor", "model-registry")) {
      for (String key : env(service).keySet()) {
        assertTrue(doc.contains("`" + key + "`"), key + " is not in docs/deployment.md");
      }
    }
    assertTrue(doc.contains("`LETHE_HTTP_PORT` | `" + REGISTRY_HTTP_PORT + "`"), "registry port");
    assertTrue(
        doc.contains("`LETHE_METRICS_PORT` | `" + MetricsServer.DEFAULT_PORT + "`"),
        "processor port");
  }

  @Test
  void theLetheHealthChecksTellUpFromDown() throws Exception {
    assumeTrue(run(List.of("bash", "-c", "true")) == 0, "no bash here");
    List<String> processor = healthCheck("processor");
    List<String> registry = healthCheck("model-registry");
    assertEquals(
        processor,
        registry.stream()
            .map(
                a -> a.replace(String.valueOf(REGISTRY_HTTP_PORT), "" + MetricsServer.DEFAULT_PORT))
            .toList(),
        "one health check, two ports");
    AtomicBoolean healthy = new AtomicBoolean(true);
    try (MetricsServer server =
        MetricsServer.start(
            MetricsServer.newRegistry(), new InetSocketAddress("127.0.0.1", 0), healthy::get)) {
      List<String> command =
          processor.subList(1, processor.size()).stream()
              .map(a -> a.replace("/" + MetricsServer.DEFAULT_PORT, "/" + server.port()))
              .toList();
      assertEquals(0, run(command), "healthy service judged unhealthy: " + command);
      healthy.set(false);
      assertFalse(run(command) == 0, "unhealthy service judged healthy");
    }
  }

  private static List<String> healthCheck(String service) {
    List<String> test = new ArrayList<>();
    service(service).path("healthcheck").path("test").forEach(t -> test.add(t.asText()));
    assertEquals("CMD", test.get(0), service);
    return test;
  }

  @Test
  void theProcessorsSettingsAreOnesItReads() {
    Map<String, String> defaults = processorEnvironmentDefaults();
    Map<String, String> env = env("processor");
    assertTrue(
        defaults.keySet().containsAll(env.keySet()),
        () -> "lethe processor reads none of " + diff(env.keySet(), defaults.keySet()));
    assertEquals(String.valueOf(MetricsServer.DEFAULT_PORT), defaults.get("LETHE_METRICS_PORT"));
  }

  @Test
  void theRegistrysSettingsAreOnesItReadsAndMakeAValidConfiguration() throws Exception {
    Map<String, String> keys = registryEnvironment();
    Map<String, String> env = env("model-registry");
    assertTrue(
        keys.keySet().containsAll(env.keySet()),
        () -> "lethe registry reads none of " + diff(env.keySet(), keys.keySet()));
    Map<String, String> props = new HashMap<>();
    env.forEach(
        (name, value) -> {
          if (!value.isBlank()) {
            props.put(keys.get(name), value);
          }
        });
    RegistryConfig config = RegistryConfig.fromProperties(props);
    assertEquals(REGISTRY_HTTP_PORT, config.httpPort());
    assertEquals("jdbc:postgresql://postgres:5432/lethe", config.jdbcUrl());
    assertEquals("kafka:19092", config.bootstrapServers());
  }

  /** The LETHE_* variables {@code lethe processor} reads, with their defaults (or ""). */
  private static Map<String, String> processorEnvironmentDefaults() {
    Pattern env = Pattern.compile("\\$\\{env:([A-Z0-9_]+)(?::-([^}]*))?}");
    Map<String, String> defaults = new HashMap<>();
    CommandSpec spec = CommandSpec.forAnnotatedObject(new ProcessorCommand());
    spec.interpolateVariables(false); // the declared ${env:NAME:-default}, not its value here
    for (OptionSpec option : spec.options()) {
      String value = option.defaultValue();
      Matcher m = env.matcher(value == null ? "" : value);
      if (m.matches()) {
        defaults.put(m.group(1), m.group(2) == null ? "" : m.group(2));
      }
    }
    assertTrue(defaults.containsKey("LETHE_BOOTSTRAP_SERVERS"), defaults::toString);
    return defaults;
  }

  /** {@code RegistryCommand.ENVIRONMENT}: each variable and the registry key it sets. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> registryEnvironment() throws Exception {
    Field field = RegistryCommand.class.getDeclaredField("ENVIRONMENT");
    field.setAccessible(true);
    return (Map<String, String>) field.get(null);
  }

  private static Set<String> diff(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.removeAll(b);
    return out;
  }

  private static JsonSchema composeSchema() throws Exception {
    try (InputStream in =
        ComposeFileTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
      JsonNode schema = new ObjectMapper().readTree(in);
      // The schema names its meta-schema by the old http IRI and still uses draft-04's "id" in
      // its definitions (an annotation here): teach the 2019-09 meta-schema both.
      JsonMetaSchema meta =
          JsonMetaSchema.builder(schema.path("$schema").asText(), JsonMetaSchema.getV201909())
              .keyword(new NonValidationKeyword("id"))
              .build();
      return JsonSchemaFactory.getInstance(
              SpecVersion.VersionFlag.V201909, factory -> factory.metaSchema(meta))
          .getSchema(schema);
    }
  }

  private static JsonNode service(String name) {
    JsonNode s = compose.path("services").path(name);
    assertFalse(s.isMissingNode(), "no service " + name);
    return s;
  }

  private static Map<String, String> env(String service) {
    Map<String, String> env = new HashMap<>();
    service(service)
        .path("environment")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), interpolate(e.getValue().asText())));
    return env;
  }

  private static List<Integer> containerPorts(String service) {
    List<Integer> ports = new ArrayList<>();
    for (JsonNode p : service(service).path("ports")) {
      String[] parts = p.asText().split(":");
      ports.add(Integer.parseInt(parts[parts.length - 1].split("/")[0]));
    }
    return ports;
  }

  /** Compose's {@code ${VAR:-default}}, taking the default (the stack as shipped). */
  static String interpolate(String value) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      assertTrue(m.group(2) != null, () -> "no default for " + m.group() + " in " + value);
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(2)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Map<String, JibImage> jibImages() throws Exception {
    Document pom = xml(ROOT.resolve("launcher/pom.xml"));
    String version = pomText(ROOT.resolve("pom.xml"), "version");
    Map<String, JibImage> images = new HashMap<>();
    NodeList plugins = pom.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (!"jib-maven-plugin".equals(childText(plugin, "artifactId"))) {
        continue;
      }
      NodeList executions = plugin.getElementsByTagName("execution");
      for (int j = 0; j < executions.getLength(); j++) {
        Element execution = (Element) executions.item(j);
        Element config = child(execution, "configuration");
        String image =
            childText(child(config, "to"), "image").replace("${project.version}", version);
        Element container = child(config, "container");
        List<String> args = texts(child(container, "args"), "arg");
        List<Integer> ports =
            texts(child(container, "ports"), "port").stream().map(Integer::valueOf).toList();
        images.put(childText(execution, "id"), new JibImage(image, args, ports));
      }
    }
    return images;
  }

  private static String pomText(Path pom, String child) {
    return childText(xml(pom).getDocumentElement(), child);
  }

  private static String pomProperty(String name) {
    Element properties = child(xml(ROOT.resolve("pom.xml")).getDocumentElement(), "properties");
    return childText(properties, name);
  }

  private static Document xml(Path file) {
    try {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new IllegalStateException("no <" + name + "> in <" + parent.getTagName() + ">");
  }

  private static String childText(Element parent, String name) {
    return child(parent, name).getTextContent().strip();
  }

  private static List<String> texts(Element parent, String name) {
    List<String> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        out.add(e.getTextContent().strip());
      }
    }
    return out;
  }

  private static int run(List<String> command) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      return -1; // not installed
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    if (p.exitValue() != 0) {
      System.out.println(String.join(" ", command) + ":\n" + out);
    }
    return p.exitValue();
  }
}
