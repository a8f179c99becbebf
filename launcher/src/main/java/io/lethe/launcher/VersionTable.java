package io.lethe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Renders the registry's version JSON as a fixed-width table. */
final class VersionTable {
  private VersionTable() {}

  static String render(List<JsonNode> versions) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-4s %-7s %-22s %-8s %-7s %7s %7s %7s %6s %8s  %s%n",
            "ver", "parent", "batch", "method", "status", "forget", "retain", "test", "MIA", "time",
            "sha256"));
    for (JsonNode v : versions) {
      JsonNode m = v.path("metrics");
      sb.append(
          String.format(
              "%-4s %-7s %-22s %-8s %-7s %7s %7s %7s %6s %8s  %s%n",
              v.path("version").asText(),
              text(v.path("parentVersion")),
              text(v.path("batchId")),
              v.path("method").asText(),
              v.path("status").asText(),
              pct(m.path("forgetAccuracy")),
              pct(m.path("retainAccuracy")),
              pct(m.path("testAccuracy")),
              ratio(m.path("mia")),
              m.path("durationMillis").asLong() / 1000.0 + "s",
              v.path("artifact").path("sha256").asText().substring(0, 12)));
    }
    return sb.toString();
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "-" : n.asText();
  }

  private static String pct(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "-" : String.format("%.2f%%", 100 * n.asDouble());
  }

  private static String ratio(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "-" : String.format("%.3f", n.asDouble());
  }
}
