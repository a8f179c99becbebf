package io.lethe.registry.internals.service;

import io.lethe.avro.VerificationStatus;
import io.lethe.registry.internals.artifact.ArtifactRoot;
import io.lethe.registry.internals.db.AliasDao;
import io.lethe.registry.internals.db.AliasRow;
import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.ReceiptDao;
import io.lethe.registry.internals.db.VersionDao;
import io.lethe.registry.internals.db.VersionQuery;
import io.lethe.registry.internals.db.VersionRow;
import io.lethe.registry.internals.service.Views.ArtifactFile;
import io.lethe.registry.internals.service.Views.Page;
import io.lethe.registry.internals.service.Views.VersionDetail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Models and their versions: listings, lineage, artifacts for download, tags. */
public final class VersionService {
  private final Database db;
  private final VersionDao versions;
  private final ReceiptDao receipts;
  private final AliasDao aliases;
  private final AuditDao audit;
  private final ArtifactRoot artifactRoot;

  public VersionService(
      Database db,
      VersionDao versions,
      ReceiptDao receipts,
      AliasDao aliases,
      AuditDao audit,
      ArtifactRoot root) {
    this.db = db;
    this.versions = versions;
    this.receipts = receipts;
    this.aliases = aliases;
    this.audit = audit;
    this.artifactRoot = root;
  }

  public Page<Views.ModelView> models(String search, int page, int size) {
    int offset = Checks.offset(page, size);
    return db.inTransaction(
        () -> {
          String q = search == null || search.isBlank() ? null : search.trim();
          return new Page<>(
                  versions.listModels(q, offset, size), page, size, versions.countModels(q))
              .map(Views.ModelView::of);
        });
  }

  public Page<Views.VersionView> versions(
      String modelId, String status, String tag, Instant since, Instant until, int page, int size) {
    int offset = Checks.offset(page, size);
    String normalized = null;
    if (status != null && !status.isBlank()) {
      normalized = status.trim().toUpperCase(Locale.ROOT);
      try {
        VerificationStatus.valueOf(normalized);
      } catch (IllegalArgumentException e) {
        throw RegistryException.invalid(
            "status must be one of "
                + List.of(VerificationStatus.values())
                + ", got "
                + status.strip().replaceAll("[^A-Za-z_]", "?"));
      }
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw RegistryException.invalid("since must be before until");
    }
    VersionQuery query =
        new VersionQuery(
            modelId,
            normalized,
            tag == null || tag.isBlank() ? null : tag,
            since,
            until,
            offset,
            size);
    return db.inTransaction(
        () -> {
          requireModel(modelId);
          ErasureLedger ledger = ledger(modelId);
          return new Page<>(versions.list(query), page, size, versions.count(query))
              .map(v -> Views.VersionView.of(v, ledger.heldBy(v.version())));
        });
  }

  public VersionDetail version(String modelId, int version) {
    return db.inTransaction(
        () -> {
          VersionRow row = find(modelId, version);
          List<VersionRow> all = versions.listAll(modelId);
          Map<Integer, Integer> parents = new HashMap<>();
          all.forEach(v -> parents.put(v.version(), v.parentVersion()));
          List<Integer> ancestors = new ArrayList<>();
          Set<Integer> seen = new HashSet<>(List.of(version));
          Integer parent = row.parentVersion();
          while (parent != null && seen.add(parent)) {
            ancestors.add(parent);
            parent = parents.get(parent);
          }
          List<String> pointing =
              aliases.list(modelId).stream()
                  .filter(a -> a.version() == version)
                  .map(AliasRow::alias)
                  .toList();
          ErasureLedger ledger = new ErasureLedger(all, receipts.appliedOnModel(modelId));
          return new VersionDetail(
              Views.VersionView.of(row, ledger.heldBy(version)),
              ancestors,
              versions.children(modelId, version),
              pointing);
        });
  }

  public ArtifactFile artifact(String modelId, int version) {
    VersionRow row = find(modelId, version);
    String what = "the artifact of " + modelId + " version " + version;
    if (row.purged()) {
      throw RegistryException.gone(what + " was purged at " + row.artifactPurgedAt());
    }
    if (!row.artifactVerified()) {
      throw RegistryException.conflict(
          what + " failed verification at ingest and is not served: " + row.artifactProblem());
    }
    Path path;
    try {
      // Resolved again at every download: the file may have been swapped for a link since ingest.
      path = artifactRoot.resolve(row.artifactUri());
    } catch (ArtifactRoot.Refused e) {
      throw RegistryException.conflict(what + " is not served: " + e.getMessage());
    }
    try {
      if (Files.size(path) != row.artifactSizeBytes()) {
        throw RegistryException.conflict(what + " changed since ingest");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the artifact of " + modelId, e);
    }
    return new ArtifactFile(modelId, version, path, row.artifactSha256(), row.artifactSizeBytes());
  }

  /**
   * Sets a tag on a version ({@code value} null for a bare label) and returns its tags; audited
   * when something changed.
   */
  public Map<String, String> setTag(
      String modelId, int version, String tag, String value, String actor) {
    Checks.checkTag(tag);
    Checks.checkTagValue(value);
    return db.inTransaction(
        () -> {
          find(modelId, version);
          if (versions.setTag(modelId, version, tag, value)) {
            audit.append(
                AuditEntry.of(
                    actor,
                    "tag.added",
                    modelId,
                    version,
                    null,
                    Checks.details("tag", tag, "value", value)));
          }
          return find(modelId, version).tags();
        });
  }

  public Map<String, String> removeTag(String modelId, int version, String tag, String actor) {
    Checks.checkTag(tag);
    return db.inTransaction(
        () -> {
          find(modelId, version);
          if (!versions.removeTag(modelId, version, tag)) {
            throw RegistryException.notFound(
                modelId + " version " + version + " has no tag " + tag);
          }
          audit.append(
              AuditEntry.of(actor, "tag.removed", modelId, version, null, Map.of("tag", tag)));
          return find(modelId, version).tags();
        });
  }

  /** What has been erased on the model and which of its versions still hold it. */
  ErasureLedger ledger(String modelId) {
    return new ErasureLedger(versions.listAll(modelId), receipts.appliedOnModel(modelId));
  }

  public VersionRow find(String modelId, int version) {
    return versions
        .find(modelId, version)
        .orElseThrow(
            () -> RegistryException.notFound("model " + modelId + " has no version " + version));
  }

  public void requireModel(String modelId) {
    if (!versions.modelExists(modelId)) {
      throw RegistryException.notFound("no model " + modelId);
    }
  }
}
