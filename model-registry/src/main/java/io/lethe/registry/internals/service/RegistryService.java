package io.lethe.registry.internals.service;

import io.lethe.registry.internals.artifact.ArtifactRoot;
import io.lethe.registry.internals.db.AliasDao;
import io.lethe.registry.internals.db.AliasMove;
import io.lethe.registry.internals.db.AliasRow;
import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.AuditQuery;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.ModelSummary;
import io.lethe.registry.internals.db.ReceiptDao;
import io.lethe.registry.internals.db.ReceiptRow;
import io.lethe.registry.internals.db.VersionDao;
import io.lethe.registry.internals.db.VersionQuery;
import io.lethe.registry.internals.db.VersionRow;
import io.lethe.registry.internals.service.Views.AliasDetail;
import io.lethe.registry.internals.service.Views.ArtifactFile;
import io.lethe.registry.internals.service.Views.ModelExclusion;
import io.lethe.registry.internals.service.Views.Page;
import io.lethe.registry.internals.service.Views.PurgeReport;
import io.lethe.registry.internals.service.Views.PurgedVersion;
import io.lethe.registry.internals.service.Views.RequestView;
import io.lethe.registry.internals.service.Views.SkippedVersion;
import io.lethe.registry.internals.service.Views.VersionDetail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's read and write operations: listings, lineage, aliases with their PASSED gate and
 * rollback, request receipts, purge and the audit log. Knows nothing of HTTP.
 */
public final class RegistryService {
  private static final Logger log = LoggerFactory.getLogger(RegistryService.class);

  public static final List<String> ALIASES = List.of("champion", "candidate");
  public static final List<String> STATUSES =
      List.of("UNKNOWN", "PASSED", "FAILED", "NOT_VERIFIED");
  public static final int MAX_PAGE_SIZE = 500;
  private static final String TAG_PATTERN = "[A-Za-z0-9._:-]{1,64}";

  private final Database db;
  private final VersionDao versions;
  private final ReceiptDao receipts;
  private final AliasDao aliases;
  private final AuditDao audit;
  private final ArtifactRoot artifactRoot;
  private final Clock clock;

  public RegistryService(
      Database db,
      VersionDao versions,
      ReceiptDao receipts,
      AliasDao aliases,
      AuditDao audit,
      ArtifactRoot artifactRoot,
      Clock clock) {
    this.db = db;
    this.artifactRoot = artifactRoot;
    this.versions = versions;
    this.receipts = receipts;
    this.aliases = aliases;
    this.audit = audit;
    this.clock = clock;
  }

  // ---- models and versions ------------------------------------------------------------------

  public Page<ModelSummary> models(String search, int page, int size) {
    return read(
        () -> {
          checkPage(page, size);
          String q = search == null || search.isBlank() ? null : search.trim();
          return new Page<>(
              versions.listModels(q, page * size, size), page, size, versions.countModels(q));
        });
  }

  public Page<VersionRow> versions(
      String modelId, String status, String tag, Instant since, Instant until, int page, int size) {
    return read(
        () -> {
          checkPage(page, size);
          requireModel(modelId);
          String normalized = null;
          if (status != null && !status.isBlank()) {
            normalized = status.trim().toUpperCase(java.util.Locale.ROOT);
            if (!STATUSES.contains(normalized)) {
              throw RegistryException.invalid(
                  "status must be one of " + STATUSES + ", got " + status);
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
                  page * size,
                  size);
          return new Page<>(versions.list(query), page, size, versions.count(query));
        });
  }

  public VersionDetail version(String modelId, int version) {
    return read(
        () -> {
          VersionRow row = findVersion(modelId, version);
          Map<Integer, Integer> parents = new HashMap<>();
          versions.listAll(modelId).forEach(v -> parents.put(v.version(), v.parentVersion()));
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
          return new VersionDetail(row, ancestors, versions.children(modelId, version), pointing);
        });
  }

  public ArtifactFile artifact(String modelId, int version) {
    VersionRow row = findVersion(modelId, version);
    if (row.purged()) {
      throw RegistryException.gone(
          "the artifact of "
              + modelId
              + " version "
              + version
              + " was purged at "
              + row.artifactPurgedAt());
    }
    if (!row.artifactVerified()) {
      throw RegistryException.conflict(
          "the artifact of "
              + modelId
              + " version "
              + version
              + " failed verification at ingest and is not served: "
              + row.artifactProblem());
    }
    Path path;
    try {
      // Resolved again at every download: the file may have been swapped for a link since ingest.
      path = artifactRoot.resolve(row.artifactUri());
    } catch (ArtifactRoot.Refused e) {
      throw RegistryException.conflict(
          "the artifact of "
              + modelId
              + " version "
              + version
              + " is not served: "
              + e.getMessage());
    }
    try {
      if (Files.size(path) != row.artifactSizeBytes()) {
        throw RegistryException.conflict(
            "the artifact file of " + modelId + " version " + version + " changed since ingest");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the artifact of " + modelId, e);
    }
    return new ArtifactFile(modelId, version, path, row.artifactSha256(), row.artifactSizeBytes());
  }

  public List<String> addTag(String modelId, int version, String tag, String actor) {
    checkTag(tag);
    return db.inTransaction(
        () -> {
          findVersion(modelId, version);
          if (versions.addTag(modelId, version, tag)) {
            audit.append(
                AuditEntry.of(actor, "tag.added", modelId, version, null, Map.of("tag", tag)));
          }
          return findVersion(modelId, version).tags();
        });
  }

  public List<String> removeTag(String modelId, int version, String tag, String actor) {
    checkTag(tag);
    return db.inTransaction(
        () -> {
          findVersion(modelId, version);
          if (!versions.removeTag(modelId, version, tag)) {
            throw RegistryException.notFound(
                modelId + " version " + version + " has no tag " + tag);
          }
          audit.append(
              AuditEntry.of(actor, "tag.removed", modelId, version, null, Map.of("tag", tag)));
          return findVersion(modelId, version).tags();
        });
  }

  // ---- aliases --------------------------------------------------------------------------------

  public List<AliasRow> aliases(String modelId) {
    return read(
        () -> {
          requireModel(modelId);
          return aliases.list(modelId);
        });
  }

  public AliasDetail alias(String modelId, String alias) {
    return read(
        () -> {
          checkAlias(alias);
          requireModel(modelId);
          return new AliasDetail(
              aliases.find(modelId, alias).orElse(null), aliases.history(modelId, alias));
        });
  }

  /**
   * Points {@code alias} at {@code version}. Only a PASSED version whose artifact was verified and
   * not purged may be promoted; anything else is a conflict and changes nothing.
   */
  public AliasDetail promote(
      String modelId, String alias, int version, String reason, String actor) {
    checkAlias(alias);
    return db.inTransaction(
        () -> {
          VersionRow target = findVersion(modelId, version);
          checkPromotable(target);
          aliases.lock(modelId, alias);
          Optional<AliasRow> current = aliases.findForUpdate(modelId, alias);
          if (current.isPresent() && current.get().version() == version) {
            return alias(modelId, alias);
          }
          Integer from = current.map(AliasRow::version).orElse(null);
          move(modelId, alias, "PROMOTE", from, version, reason, actor);
          return alias(modelId, alias);
        });
  }

  /**
   * Moves {@code alias} back to the version it pointed to before its latest promotion, in one
   * transaction. Successive rollbacks walk further back; the target must still be promotable.
   */
  public AliasDetail rollback(String modelId, String alias, String reason, String actor) {
    checkAlias(alias);
    return db.inTransaction(
        () -> {
          requireModel(modelId);
          AliasRow current = lockExisting(modelId, alias);
          Deque<Integer> stack = promotionStack(modelId, alias);
          if (stack.isEmpty() || stack.peek() != current.version()) {
            stack.push(current.version());
          }
          stack.pop();
          if (stack.isEmpty()) {
            throw RegistryException.conflict(
                "alias " + alias + " of " + modelId + " has no earlier version to roll back to");
          }
          int target = stack.peek();
          checkPromotable(findVersion(modelId, target));
          move(modelId, alias, "ROLLBACK", current.version(), target, reason, actor);
          return alias(modelId, alias);
        });
  }

  /** Locks the alias for this transaction and reads it; not found when it is not set. */
  private AliasRow lockExisting(String modelId, String alias) {
    aliases.lock(modelId, alias);
    return aliases
        .findForUpdate(modelId, alias)
        .orElseThrow(
            () -> RegistryException.notFound("alias " + alias + " of " + modelId + " is not set"));
  }

  public void removeAlias(String modelId, String alias, String reason, String actor) {
    checkAlias(alias);
    db.inTransaction(
        () -> {
          AliasRow current = lockExisting(modelId, alias);
          aliases.delete(modelId, alias);
          aliases.recordMove(modelId, alias, "REMOVE", current.version(), null, reason);
          audit.append(
              AuditEntry.of(
                  actor,
                  "alias.removed",
                  modelId,
                  current.version(),
                  null,
                  details("alias", alias, "reason", reason)));
        });
  }

  /** Replays the alias history: promotions push, rollbacks pop, removals clear. */
  private Deque<Integer> promotionStack(String modelId, String alias) {
    List<AliasMove> moves = new ArrayList<>(aliases.history(modelId, alias));
    java.util.Collections.reverse(moves);
    Deque<Integer> stack = new ArrayDeque<>();
    for (AliasMove move : moves) {
      switch (move.kind()) {
        case "PROMOTE" -> stack.push(move.toVersion());
        case "ROLLBACK" -> {
          if (!stack.isEmpty()) {
            stack.pop();
          }
          if (stack.isEmpty() || stack.peek().intValue() != move.toVersion()) {
            stack.push(move.toVersion());
          }
        }
        case "REMOVE" -> stack.clear();
        default -> throw new IllegalStateException("unknown alias move " + move.kind());
      }
    }
    return stack;
  }

  private void move(
      String modelId,
      String alias,
      String kind,
      Integer from,
      int to,
      String reason,
      String actor) {
    aliases.set(modelId, alias, to);
    aliases.recordMove(modelId, alias, kind, from, to, reason);
    Map<String, Object> details = details("alias", alias, "kind", kind, "reason", reason);
    details.put("fromVersion", from);
    audit.append(AuditEntry.of(actor, "alias.moved", modelId, to, null, details));
    log.info("Alias {} of {} moved {} -> {} ({})", alias, modelId, from, to, kind);
  }

  private static void checkPromotable(VersionRow v) {
    String what = v.modelId() + " version " + v.version();
    if (!"PASSED".equals(v.status())) {
      throw RegistryException.conflict(
          what + " is " + v.status() + "; only versions whose verification PASSED may be promoted");
    }
    if (!v.artifactVerified()) {
      throw RegistryException.conflict(
          what
              + " has an unverified artifact ("
              + v.artifactProblem()
              + ") and cannot be promoted");
    }
    if (v.purged()) {
      throw RegistryException.conflict(what + " was purged and cannot be promoted");
    }
  }

  // ---- requests -------------------------------------------------------------------------------

  /**
   * A request's receipts and, for every model it concerns, the first version that excludes its
   * data: the lowest non-FAILED version listing the request, or the version its APPLIED receipt
   * names, whichever is lower.
   */
  public RequestView request(String requestId) {
    return read(
        () -> {
          List<ReceiptRow> history = receipts.forRequest(requestId);
          List<VersionRow> listing = versions.versionsListingRequest(requestId);
          if (history.isEmpty() && listing.isEmpty()) {
            throw RegistryException.notFound("no receipt or version mentions request " + requestId);
          }
          Map<String, Integer> first = new TreeMap<>();
          Map<String, Instant> appliedAt = new HashMap<>();
          Set<String> models = new TreeSet<>();
          for (ReceiptRow r : history) {
            if (r.modelId() != null) {
              models.add(r.modelId());
            }
            if ("APPLIED".equals(r.status()) && r.modelId() != null && r.modelVersion() != null) {
              first.merge(r.modelId(), r.modelVersion(), Math::min);
              appliedAt.merge(r.modelId(), r.at(), (a, b) -> a.isBefore(b) ? a : b);
            }
          }
          for (VersionRow v : listing) {
            models.add(v.modelId());
            if (!"FAILED".equals(v.status())) {
              first.merge(v.modelId(), v.version(), Math::min);
            }
          }
          List<ModelExclusion> exclusions = new ArrayList<>();
          for (String modelId : models) {
            Integer version = first.get(modelId);
            Optional<VersionRow> row =
                version == null ? Optional.empty() : versions.find(modelId, version);
            exclusions.add(
                new ModelExclusion(
                    modelId,
                    version,
                    row.isPresent(),
                    row.map(VersionRow::status).orElse(null),
                    appliedAt.getOrDefault(modelId, row.map(VersionRow::createdAt).orElse(null))));
          }
          String latest = history.isEmpty() ? null : history.get(history.size() - 1).status();
          return new RequestView(requestId, latest, history, exclusions);
        });
  }

  // ---- purge ----------------------------------------------------------------------------------

  /**
   * Deletes the artifacts of superseded versions that still hold data of erased requests. A version
   * holds request R's data when R was erased on the model (by a non-FAILED version listing it, or
   * an APPLIED receipt) but no non-FAILED version on its own lineage chain erased it. Only versions
   * older than the model's latest non-FAILED version are superseded. Versions an alias points to
   * are skipped and reported; the records stay, marked purged, with an audit entry.
   */
  public PurgeReport purge(String modelId, boolean dryRun, String actor) {
    requireModel(modelId);
    List<VersionRow> all = versions.listAll(modelId);
    Map<Integer, VersionRow> byVersion = new LinkedHashMap<>();
    all.forEach(v -> byVersion.put(v.version(), v));
    // request -> versions whose chain erases it
    Map<String, Set<Integer>> erasedAt = new HashMap<>();
    for (VersionRow v : all) {
      if (!"FAILED".equals(v.status())) {
        for (String r : v.requestIds()) {
          erasedAt.computeIfAbsent(r, k -> new HashSet<>()).add(v.version());
        }
      }
    }
    for (ReceiptRow r : receipts.appliedOnModel(modelId)) {
      erasedAt.computeIfAbsent(r.requestId(), k -> new HashSet<>()).add(r.modelVersion());
    }
    int latestGood =
        all.stream()
            .filter(v -> !"FAILED".equals(v.status()))
            .mapToInt(VersionRow::version)
            .max()
            .orElse(Integer.MAX_VALUE);
    Set<Integer> aliased = new HashSet<>(aliases.aliasedVersions(modelId));
    List<PurgedVersion> purged = new ArrayList<>();
    List<SkippedVersion> skipped = new ArrayList<>();
    for (VersionRow v : all) {
      if (v.purged() || v.version() >= latestGood) {
        continue;
      }
      Set<Integer> chain = chain(v, byVersion);
      List<String> held =
          erasedAt.entrySet().stream()
              .filter(e -> e.getValue().stream().noneMatch(chain::contains))
              .map(Map.Entry::getKey)
              .sorted()
              .toList();
      if (held.isEmpty()) {
        continue;
      }
      if (aliased.contains(v.version())) {
        skipped.add(
            new SkippedVersion(
                v.version(),
                held,
                "an alias points to this version; move the alias before purging it"));
        continue;
      }
      if (dryRun) {
        purged.add(new PurgedVersion(v.version(), held, v.artifactSha256(), false));
        continue;
      }
      purged.add(purgeOne(v, held, actor));
    }
    return new PurgeReport(modelId, dryRun, purged, skipped);
  }

  /** The non-FAILED versions on {@code v}'s lineage chain (itself and its ancestors). */
  private static Set<Integer> chain(VersionRow v, Map<Integer, VersionRow> byVersion) {
    Set<Integer> chain = new HashSet<>();
    Set<Integer> seen = new HashSet<>();
    VersionRow at = v;
    while (at != null && seen.add(at.version())) {
      if (!"FAILED".equals(at.status())) {
        chain.add(at.version());
      }
      at = at.parentVersion() == null ? null : byVersion.get(at.parentVersion());
    }
    return chain;
  }

  private PurgedVersion purgeOne(VersionRow v, List<String> held, String actor) {
    return db.inTransaction(
        () -> {
          if (!versions.markPurged(v.modelId(), v.version(), clock.instant())) {
            return new PurgedVersion(v.version(), held, v.artifactSha256(), false);
          }
          boolean deleted = false;
          String note;
          if (!v.artifactVerified()) {
            // An unverified artifact may name any file at all: purge never touches it.
            note = "file not touched: the artifact was never verified";
          } else if (versions.artifactInUseElsewhere(v.artifactUri(), v.modelId(), v.version())) {
            note = "file kept: another unpurged version uses the same artifact";
          } else {
            try {
              deleted = Files.deleteIfExists(artifactRoot.resolve(v.artifactUri()));
              note = deleted ? "file deleted" : "file was already absent";
            } catch (ArtifactRoot.Refused e) {
              note = "file not touched: " + e.getMessage();
            } catch (IOException e) {
              throw new UncheckedIOException("cannot delete artifact of " + v.modelId(), e);
            }
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("erasedRequests", held);
          details.put("artifactUri", v.artifactUri());
          details.put("sha256", v.artifactSha256());
          details.put("fileDeleted", deleted);
          details.put("note", note);
          audit.append(
              AuditEntry.of(actor, "artifact.purged", v.modelId(), v.version(), null, details));
          log.info("Purged artifact of {} version {} ({})", v.modelId(), v.version(), note);
          return new PurgedVersion(v.version(), held, v.artifactSha256(), deleted);
        });
  }

  // ---- audit ----------------------------------------------------------------------------------

  public Page<AuditEntry> audit(
      String modelId, String requestId, String action, int page, int size) {
    return read(
        () -> {
          checkPage(page, size);
          AuditQuery q =
              new AuditQuery(
                  blankToNull(modelId),
                  blankToNull(requestId),
                  blankToNull(action),
                  page * size,
                  size);
          return new Page<>(audit.list(q), page, size, audit.count(q));
        });
  }

  public long appendAudit(AuditEntry entry) {
    return audit.append(entry);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Runs several reads on one connection (a read-only use of a transaction). */
  private <T> T read(java.util.function.Supplier<T> work) {
    return db.inTransaction(work);
  }

  public VersionRow findVersion(String modelId, int version) {
    return versions
        .find(modelId, version)
        .orElseThrow(
            () -> RegistryException.notFound("model " + modelId + " has no version " + version));
  }

  private void requireModel(String modelId) {
    if (!versions.modelExists(modelId)) {
      throw RegistryException.notFound("no model " + modelId);
    }
  }

  private static void checkPage(int page, int size) {
    if (page < 0) {
      throw RegistryException.invalid("page must be >= 0");
    }
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw RegistryException.invalid("size must be between 1 and " + MAX_PAGE_SIZE);
    }
  }

  private static void checkAlias(String alias) {
    if (!ALIASES.contains(alias)) {
      throw RegistryException.invalid("alias must be one of " + ALIASES + ", got " + alias);
    }
  }

  private static void checkTag(String tag) {
    if (tag == null || !tag.matches(TAG_PATTERN)) {
      throw RegistryException.invalid("a tag is 1-64 characters of [A-Za-z0-9._:-]");
    }
  }

  private static Map<String, Object> details(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        map.put((String) keyValues[i], keyValues[i + 1]);
      }
    }
    return map;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
