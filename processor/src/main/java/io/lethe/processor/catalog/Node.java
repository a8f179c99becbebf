package io.lethe.processor.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A node of the parsed catalog with its path in the file ({@code models[1].dataset.columns}); every
 * read that finds something wrong adds a problem with that path instead of throwing, so that one
 * pass reports everything.
 */
final class Node {

  private final JsonNode json;
  private final String path;
  private final List<String> problems;

  Node(JsonNode json, String path, List<String> problems) {
    this.json = json;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  String pathOf(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  void problem(String field, String message) {
    problems.add((field == null ? path : pathOf(field)) + ": " + message);
  }

  boolean isObject() {
    return json != null && json.isObject();
  }

  boolean has(String field) {
    return json != null && json.has(field) && !json.get(field).isNull();
  }

  /** Reports every field not in {@code known}. */
  void allowOnly(Set<String> known) {
    if (json == null || !json.isObject()) {
      return;
    }
    json.fieldNames()
        .forEachRemaining(
            f -> {
              if (!known.contains(f)) {
                problem(f, "unknown field; known: " + String.join(", ", sorted(known)));
              }
            });
  }

  /** The child object {@code field}; reported when required and missing, or not an object. */
  Optional<Node> object(String field, boolean required) {
    if (!has(field)) {
      if (required) {
        problem(field, "missing");
      }
      return Optional.empty();
    }
    JsonNode child = json.get(field);
    if (!child.isObject()) {
      problem(field, "must be a mapping (key: value lines)");
      return Optional.empty();
    }
    return Optional.of(new Node(child, pathOf(field), problems));
  }

  /** The elements of the list {@code field}. */
  List<Node> list(String field, boolean required) {
    List<Node> out = new ArrayList<>();
    if (!has(field)) {
      if (required) {
        problem(field, "missing");
      }
      return out;
    }
    JsonNode child = json.get(field);
    if (!child.isArray()) {
      problem(field, "must be a list");
      return out;
    }
    for (int i = 0; i < child.size(); i++) {
      out.add(new Node(child.get(i), pathOf(field) + "[" + i + "]", problems));
    }
    return out;
  }

  Optional<String> text(String field, boolean required) {
    if (!has(field)) {
      if (required) {
        problem(field, "missing");
      }
      return Optional.empty();
    }
    JsonNode child = json.get(field);
    if (!child.isValueNode()) {
      problem(field, "must be a single value");
      return Optional.empty();
    }
    String text = child.asText().trim();
    if (text.isEmpty()) {
      problem(field, "must not be empty");
      return Optional.empty();
    }
    return Optional.of(text);
  }

  /** A list of strings (a YAML list, or one comma-separated value). */
  Optional<List<String>> strings(String field) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonNode child = json.get(field);
    List<String> out = new ArrayList<>();
    if (child.isArray()) {
      for (JsonNode e : child) {
        if (!e.isValueNode() || e.asText().isBlank()) {
          problem(field, "must be a list of names");
          return Optional.empty();
        }
        out.add(e.asText().trim());
      }
    } else if (child.isValueNode()) {
      for (String s : child.asText().split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    } else {
      problem(field, "must be a list of names");
      return Optional.empty();
    }
    return Optional.of(out);
  }

  Optional<Boolean> bool(String field) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonNode child = json.get(field);
    if (child.isBoolean()) {
      return Optional.of(child.asBoolean());
    }
    String t = child.asText().trim();
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Optional.of(Boolean.parseBoolean(t));
    }
    problem(field, "must be true or false, got '" + t + "'");
    return Optional.empty();
  }

  /**
   * Every scalar field except {@code except} as settings strings (lists become comma-separated),
   * for {@link io.lethe.processor.engine.settings.Settings#bind}.
   */
  Map<String, String> settings(Set<String> except) {
    Map<String, String> out = new LinkedHashMap<>();
    if (json == null || !json.isObject()) {
      return out;
    }
    json.fields()
        .forEachRemaining(
            e -> {
              if (except.contains(e.getKey())) {
                return;
              }
              JsonNode v = e.getValue();
              if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                v.forEach(x -> parts.add(x.asText()));
                out.put(e.getKey(), String.join(",", parts));
              } else if (v.isValueNode()) {
                out.put(e.getKey(), v.isNull() ? "none" : v.asText());
              } else {
                problem(e.getKey(), "must be a value or a list of values");
              }
            });
    return out;
  }

  private static List<String> sorted(Set<String> s) {
    List<String> l = new ArrayList<>(s);
    l.sort(null);
    return l;
  }
}
