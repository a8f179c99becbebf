package io.lethe.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the dashboards and alert rules under {@code monitoring/} expect the services to expose:
 * every metric name in their PromQL, with where it is used. Check it against live scrapes of the
 * running services with {@link #missingFrom}, so that a renamed meter cannot silently empty a panel
 * or mute an alert:
 *
 * <pre>{@code
 * MonitoringContract contract = MonitoringContract.load(MonitoringContract.findRepositoryRoot());
 * List<Reference> missing = contract.missingFrom(List.of(processorScrape, registryScrape));
 * assertTrue(missing.isEmpty(), () -> MonitoringContract.describe(missing));
 * }</pre>
 */
public final class MonitoringContract {
  /** A metric name used by an alert rule or a dashboard panel. */
  public record Reference(String source, String metric) {
    @Override
    public String toString() {
      return metric + " (" + source + ")";
    }
  }

  /** Series that Prometheus makes itself for every target or rule, never in a service's scrape. */
  public static final Set<String> SYNTHETIC =
      Set.of(
          "up",
          "scrape_duration_seconds",
          "scrape_samples_scraped",
          "scrape_samples_post_metric_relabeling",
          "scrape_series_added",
          "ALERTS",
          "ALERTS_FOR_STATE");

  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "inf",
          "nan",
          "atan2",
          "start",
          "end");

  private static final Pattern GRAFANA_VARIABLE =
      Pattern.compile("\\$\\{[^}]*}|\\$[A-Za-z_][A-Za-z0-9_]*|\\[\\[[^]]*]]");
  private static final Pattern STRING =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*}");
  private static final Pattern BRACKETS = Pattern.compile("\\[[^]]*]");
  private static final Pattern LABEL_LIST =
      Pattern.compile(
          "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);
  private static final Pattern QUERY_RESULT =
      Pattern.compile("^\\s*query_result\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);

  private final List<Reference> references;

  private MonitoringContract(List<Reference> references) {
    this.references = List.copyOf(references);
  }

  /**
   * Reads every dashboard ({@code monitoring/grafana/dashboards/*.json}) and every rule file
   * ({@code monitoring/prometheus/*.yml} with {@code groups}) under {@code repositoryRoot}. Names
   * that a recording rule defines are not expected on a scrape.
   */
  public static MonitoringContract load(Path repositoryRoot) {
    Path monitoring = repositoryRoot.resolve("monitoring");
    List<Reference> refs = new ArrayList<>();
    Set<String> recorded = new LinkedHashSet<>();
    ObjectMapper json = new ObjectMapper();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    for (Path file : list(monitoring.resolve("prometheus"), ".yml")) {
      JsonNode root = read(yaml, file);
      for (JsonNode group : root.path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          String name =
              rule.hasNonNull("alert")
                  ? "alert " + rule.get("alert").asText()
                  : "record " + rule.path("record").asText();
          if (rule.hasNonNull("record")) {
            recorded.add(rule.get("record").asText());
          }
          add(refs, rel(repositoryRoot, file) + ": " + name, rule.path("expr").asText(""));
        }
      }
    }
    for (Path file : list(monitoring.resolve("grafana").resolve("dashboards"), ".json")) {
      JsonNode root = read(json, file);
      collectPanels(refs, rel(repositoryRoot, file), root);
      for (JsonNode variable : root.path("templating").path("list")) {
        JsonNode query = variable.path("query");
        String text = query.isObject() ? query.path("query").asText("") : query.asText("");
        add(
            refs,
            rel(repositoryRoot, file) + ": variable " + variable.path("name").asText(),
            templateQuery(text));
      }
    }
    refs.removeIf(r -> recorded.contains(r.metric()));
    return new MonitoringContract(refs);
  }

  /** Every reference, in file order. */
  public List<Reference> references() {
    return references;
  }

  /** The distinct metric names referenced, sorted. */
  public Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    references.forEach(r -> names.add(r.metric()));
    return names;
  }

  /**
   * The references whose metric is in none of {@code scrapes} (Prometheus text format) and is not
   * one Prometheus makes itself ({@link #SYNTHETIC}).
   */
  public List<Reference> missingFrom(Collection<String> scrapes) {
    Set<String> exposed = new LinkedHashSet<>();
    scrapes.forEach(s -> exposed.addAll(sampleNames(s)));
    return references.stream()
        .filter(r -> !exposed.contains(r.metric()) && !SYNTHETIC.contains(r.metric()))
        .toList();
  }

  /** One line per missing reference, for an assertion message. */
  public static String describe(List<Reference> missing) {
    StringBuilder out = new StringBuilder("metrics used by monitoring/ but not exposed:\n");
    missing.forEach(r -> out.append("  ").append(r).append('\n'));
    return out.toString();
  }

  /** The sample names of a scrape in the Prometheus text (or OpenMetrics) format. */
  public static Set<String> sampleNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < l.length() && l.charAt(end) != '{' && !Character.isWhitespace(l.charAt(end))) {
        end++;
      }
      names.add(l.substring(0, end));
    }
    return names;
  }

  /**
   * The metric names a PromQL expression selects: identifiers outside strings, label matchers,
   * ranges and {@code by (...)} lists that are neither functions, aggregations nor keywords.
   * Grafana variables ({@code $model}, {@code ${x}}, {@code $__rate_interval}) are ignored.
   */
  public static Set<String> metricNames(String promQl) {
    String s = GRAFANA_VARIABLE.matcher(promQl).replaceAll(" ");
    s = STRING.matcher(s).replaceAll(" ");
    s = BRACES.matcher(s).replaceAll(" ");
    s = BRACKETS.matcher(s).replaceAll(" ");
    s = LABEL_LIST.matcher(s).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String word = m.group();
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      boolean call = next < s.length() && s.charAt(next) == '(';
      if (!call && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
        names.add(word);
      }
    }
    return names;
  }

  /**
   * The PromQL inside a Grafana template-variable query: {@code label_values(expr, label)} and
   * {@code query_result(expr)} hold an expression; {@code label_values(label)} holds none.
   */
  static String templateQuery(String query) {
    Matcher lv = LABEL_VALUES.matcher(query);
    if (lv.matches()) {
      String args = lv.group(1);
      int comma = args.lastIndexOf(',');
      return comma < 0 ? "" : args.substring(0, comma);
    }
    Matcher qr = QUERY_RESULT.matcher(query);
    if (qr.matches()) {
      return qr.group(1);
    }
    return query;
  }

  /**
   * Walks up from the working directory to the folder holding {@code monitoring/prometheus}: the
   * repository root, whichever module a test runs in.
   */
  public static Path findRepositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("monitoring").resolve("prometheus"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no monitoring/prometheus above " + Path.of("").toAbsolutePath());
  }

  private static void collectPanels(List<Reference> refs, String file, JsonNode node) {
    if (node.isObject()) {
      JsonNode targets = node.path("targets");
      if (targets.isArray()) {
        String title = node.path("title").asText("untitled");
        for (JsonNode target : targets) {
          add(refs, file + ": panel '" + title + "'", target.path("expr").asText(""));
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!field.getKey().equals("targets") && !field.getKey().equals("templating")) {
          collectPanels(refs, file, field.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectPanels(refs, file, child));
    }
  }

  private static void add(List<Reference> refs, String source, String expr) {
    metricNames(expr).forEach(name -> refs.add(new Reference(source, name)));
  }

  private static List<Path> list(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("no folder " + dir);
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(ObjectMapper mapper, Path file) {
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String rel(Path root, Path file) {
    return root.relativize(file).toString();
  }
}
