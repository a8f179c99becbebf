package io.lethe.registry.internals.service;

import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.ModelSummary;
import io.lethe.registry.internals.db.ModelTagDao;
import io.lethe.registry.internals.db.VersionDao;
import io.lethe.registry.internals.db.VersionRow;
import io.lethe.registry.internals.service.Views.ModelDetail;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One model as a whole: its summary, aliases and tags, and which versions hold erased data. */
public final class ModelService {
  private final Database db;
  private final VersionDao versions;
  private final ModelTagDao tags;
  private final AliasService aliases;
  private final AuditDao audit;

  public ModelService(
      Database db, VersionDao versions, ModelTagDao tags, AliasService aliases, AuditDao audit) {
    this.db = db;
    this.versions = versions;
    this.tags = tags;
    this.aliases = aliases;
    this.audit = audit;
  }

  public ModelDetail model(String modelId) {
    return db.inTransaction(
        () -> {
          ModelSummary m = summary(modelId);
          ErasureLedger ledger = aliases.ledger(modelId);
          List<Integer> holding =
              versions.listAll(modelId).stream()
                  .map(VersionRow::version)
                  .filter(v -> !ledger.heldBy(v).isEmpty())
                  .toList();
          return new ModelDetail(
              m.modelId(),
              m.versionCount(),
              m.latestVersion(),
              m.latestStatus(),
              m.firstCreatedAt(),
              m.lastCreatedAt(),
              aliases.policy(modelId).name().toLowerCase(Locale.ROOT),
              aliases.aliases(modelId),
              tags.list(modelId),
              holding);
        });
  }

  /** Sets a tag on the model ({@code value} null for a bare label); audited when it changed. */
  public Map<String, String> setTag(String modelId, String tag, String value, String actor) {
    Checks.checkTag(tag);
    Checks.checkTagValue(value);
    return db.inTransaction(
        () -> {
          summary(modelId);
          if (tags.set(modelId, tag, value)) {
            audit.append(
                AuditEntry.of(
                    actor,
                    "tag.added",
                    modelId,
                    null,
                    null,
                    Checks.details("tag", tag, "value", value)));
          }
          return tags.list(modelId);
        });
  }

  public Map<String, String> removeTag(String modelId, String tag, String actor) {
    Checks.checkTag(tag);
    return db.inTransaction(
        () -> {
          summary(modelId);
          if (!tags.remove(modelId, tag)) {
            throw RegistryException.notFound("model " + modelId + " has no tag " + tag);
          }
          audit.append(
              AuditEntry.of(actor, "tag.removed", modelId, null, null, Map.of("tag", tag)));
          return tags.list(modelId);
        });
  }

  private ModelSummary summary(String modelId) {
    return versions
        .summary(modelId)
        .orElseThrow(() -> RegistryException.notFound("no model " + modelId));
  }
}
