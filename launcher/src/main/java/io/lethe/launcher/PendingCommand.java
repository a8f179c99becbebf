package io.lethe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lethe pending}: the open batches and their requests, from the processors' own stores. */
@Command(
    name = "pending",
    mixinStandardHelpOptions = true,
    description = {
      "Show each model's open batch: how many requests wait in it, the age of the oldest, the"
          + " nearest deadline, and the requests. Asked of each processor (--processor-url, its"
          + " metrics address; GET /api/pending), which answers with interactive queries (IQv2)"
          + " on the topology's stores for the partitions it owns: give every processor of the"
          + " deployment.",
      "Requests already batched and being unlearned are not pending here: `lethe status ID`"
          + " shows them."
    })
final class PendingCommand extends ToolCommand {
  @Mixin ToolConnection connection;

  @Override
  int run() {
    Instant now = Instant.now();
    List<JsonNode> models = new ArrayList<>();
    for (HttpJson processor : connection.processors()) {
      HttpJson.Response r = processor.get("/api/pending");
      if (r.status() != 200) {
        err()
            .println(
                "lethe: the processor at "
                    + processor.baseUrl()
                    + " answered "
                    + r.status()
                    + ": "
                    + r.message());
        return NEGATIVE;
      }
      r.body().path("models").forEach(models::add);
      for (JsonNode missing : r.body().path("unavailable")) {
        err()
            .println(
                "lethe: "
                    + processor.baseUrl()
                    + " could not read "
                    + missing.asText()
                    + "; ask again in a moment");
      }
    }
    if (models.isEmpty()) {
      out().println("No open batches: no request is waiting to be batched.");
      return 0;
    }
    out().printf("%-20s %8s  %-10s  %s%n", "model", "requests", "oldest", "nearest deadline");
    for (JsonNode m : models) {
      Instant opened = Instant.parse(m.path("openedAt").asText());
      String deadline =
          m.hasNonNull("earliestDeadline")
              ? m.get("earliestDeadline").asText()
                  + " (in "
                  + human(Duration.between(now, Instant.parse(m.get("earliestDeadline").asText())))
                  + ")"
              : "-";
      out()
          .printf(
              "%-20s %8d  %-10s  %s%n",
              m.path("modelId").asText(),
              m.path("requests").asInt(),
              human(Duration.between(opened, now)),
              deadline);
      for (JsonNode r : m.path("pendingRequests")) {
        out()
            .printf(
                "    %-40s %-8s %s%n",
                r.path("requestId").asText(),
                r.path("scope").asText(),
                r.hasNonNull("deadline") ? "deadline " + r.get("deadline").asText() : "");
      }
      int listed = m.path("pendingRequests").size();
      if (listed < m.path("requests").asInt()) {
        out().printf("    ... and %d more%n", m.path("requests").asInt() - listed);
      }
    }
    return 0;
  }

  /** 3d 4h, 2h 5m, 4m 10s, 12s: two units at most. */
  static String human(Duration d) {
    if (d.isNegative()) {
      return "-" + human(d.negated());
    }
    long s = d.toSeconds();
    if (s >= 86_400) {
      return s / 86_400 + "d " + (s % 86_400) / 3600 + "h";
    }
    if (s >= 3600) {
      return s / 3600 + "h " + (s % 3600) / 60 + "m";
    }
    if (s >= 60) {
      return s / 60 + "m " + s % 60 + "s";
    }
    return s + "s";
  }
}
