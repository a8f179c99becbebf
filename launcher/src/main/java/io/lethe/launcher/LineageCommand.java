package io.lethe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lethe lineage SUBJECT}: which models hold a data subject's samples now. */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description = {
      "Show which models hold a data subject's samples now, and which samples: the topology's"
          + " lineage store (the compacted lineage topic, which every processor holds whole),"
          + " asked of one processor (--processor-url; GET /api/lineage/{subject}). Once a"
          + " subject's erasure is applied to a model, that model no longer holds it.",
      "Exit status 0 when some model holds the subject's data, 1 when none does (unknown, or"
          + " erased everywhere), 3 when the processor does not answer."
    })
final class LineageCommand extends ToolCommand {
  @Parameters(paramLabel = "SUBJECT", description = "The data subject id.")
  String subject;

  @Mixin ToolConnection connection;

  @Override
  int run() {
    HttpJson processor = connection.processors().get(0);
    HttpJson.Response r = processor.get("/api/lineage/" + HttpJson.segment(subject));
    if (r.status() == 404) {
      out().println(subject + ": no model holds data of this subject (unknown, or erased)");
      return NEGATIVE;
    }
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
    out().println(subject + " (lineage of " + r.body().path("updatedAt").asText() + "):");
    for (JsonNode m : r.body().path("models")) {
      JsonNode ids = m.path("sampleIds");
      int count = m.path("samples").asInt();
      StringBuilder listed = new StringBuilder();
      for (int i = 0; i < Math.min(ids.size(), 20); i++) {
        listed.append(i == 0 ? "" : ",").append(ids.get(i).asLong());
      }
      out()
          .printf(
              "  %-20s %d samples: %s%s%n",
              m.path("modelId").asText(), count, listed, count > 20 ? ",…" : "");
    }
    return 0;
  }
}
