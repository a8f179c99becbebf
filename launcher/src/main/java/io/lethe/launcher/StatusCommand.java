package io.lethe.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lethe status REQUEST_ID}: a request's receipts and versions, as the registry has them. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a deletion request's receipts and, per model, the first version that excludes its"
          + " data and where its deletion certificate is, from the model registry's REST API"
          + " (GET /api/requests/{id}).",
      "Exit status 0 when the registry knows the request, 1 when it does not, 3 when the"
          + " registry does not answer."
    })
final class StatusCommand extends ToolCommand {
  @Parameters(paramLabel = "REQUEST_ID", description = "The request id.")
  String requestId;

  @Mixin ToolConnection connection;

  @Override
  int run() {
    HttpJson registry = connection.registry();
    HttpJson.Response r = registry.get("/api/requests/" + HttpJson.segment(requestId));
    if (r.status() == 404) {
      err()
          .println(
              "lethe: the registry at "
                  + registry.baseUrl()
                  + " knows no request "
                  + requestId
                  + " (not sent, not received yet, or another deployment)");
      return NEGATIVE;
    }
    if (r.status() != 200) {
      err().println("lethe: the registry answered " + r.status() + ": " + r.message());
      return NEGATIVE;
    }
    JsonNode body = r.body();
    out().println(requestId + ": " + body.path("latestStatus").asText("-"));
    out().println("Receipts:");
    for (JsonNode receipt : body.path("receipts")) {
      out()
          .printf(
              "  %-24s %-11s %-16s %-22s %s%n",
              receipt.path("at").asText(""),
              receipt.path("status").asText(""),
              receipt.path("modelId").asText("-"),
              receipt.path("batchId").asText("-"),
              receipt.hasNonNull("modelVersion")
                  ? "version " + receipt.get("modelVersion").asInt()
                  : receipt.path("reason").asText(""));
    }
    JsonNode models = body.path("models");
    if (models.isEmpty()) {
      out().println("No model excludes its data yet.");
      return 0;
    }
    out().println("Models:");
    for (JsonNode m : models) {
      String model = m.path("modelId").asText();
      if (m.hasNonNull("firstExcludingVersion")) {
        out()
            .printf(
                "  %-16s first version without its data: %d (%s%s)%n",
                model,
                m.get("firstExcludingVersion").asInt(),
                m.path("versionStatus").asText("status unknown"),
                m.path("versionIngested").asBoolean(true) ? "" : ", not in the registry yet");
        out()
            .println(
                "  "
                    + " ".repeat(16)
                    + " certificate: "
                    + RequestCommand.certificate(registry.baseUrl(), requestId, model));
      } else {
        out().printf("  %-16s no version without its data%n", model);
      }
    }
    return 0;
  }
}
