package io.lethe.registry.internals.service;

import io.lethe.registry.internals.artifact.ArtifactRoot;
import io.lethe.registry.internals.db.AliasDao;
import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.VersionDao;
import io.lethe.registry.internals.db.VersionRow;
import io.lethe.registry.internals.service.Views.PurgeReport;
import io.lethe.registry.internals.service.Views.PurgedVersion;
import io.lethe.registry.internals.service.Views.SkippedVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the artifacts of superseded versions that still hold erased data (see {@link
 * ErasureLedger}): by hand ({@link #purge}), or automatically once the purge deadline after the
 * erasure has passed ({@link #purgeOverdue}). Versions an alias points to are never purged; the
 * records stay, marked purged, with an audit entry; a file is deleted only when it is a verified
 * artifact confined to the artifact root and no other unpurged version uses it.
 */
public final class PurgeService {
  private static final Logger log = LoggerFactory.getLogger(PurgeService.class);

  private final Database db;
  private final VersionService versionService;
  private final VersionDao versions;
  private final AliasDao aliases;
  private final AliasService aliasService;
  private final AuditDao audit;
  private final ArtifactRoot artifactRoot;
  private final Clock clock;

  public PurgeService(
      Database db,
      VersionService versionService,
      VersionDao versions,
      AliasDao aliases,
      AliasService aliasService,
      AuditDao audit,
      ArtifactRoot artifactRoot,
      Clock clock) {
    this.db = db;
    this.versionService = versionService;
    this.versions = versions;
    this.aliases = aliases;
    this.aliasService = aliasService;
    this.audit = audit;
    this.artifactRoot = artifactRoot;
    this.clock = clock;
  }

  /** Purges every superseded version holding erased data that no alias points to. */
  public PurgeReport purge(String modelId, boolean dryRun, String actor) {
    versionService.requireModel(modelId);
    return run(modelId, dryRun, actor, null);
  }

  /**
   * Purges, on every model, the versions whose erased data was applied at least {@code deadline}
   * ago; called by the {@link ErasureKeeper}. Returns how many versions it purged.
   */
  public int purgeOverdue(Duration deadline) {
    int purged = 0;
    for (String modelId : versions.modelIds()) {
      purged += run(modelId, false, AliasService.REGISTRY_ACTOR, deadline).purged().size();
    }
    return purged;
  }

  private PurgeReport run(String modelId, boolean dryRun, String actor, Duration deadline) {
    List<VersionRow> all = versions.listAll(modelId);
    ErasureLedger ledger = aliasService.ledger(modelId);
    int latestGood =
        all.stream()
            .filter(v -> !v.failed())
            .mapToInt(VersionRow::version)
            .max()
            .orElse(Integer.MAX_VALUE);
    Set<Integer> aliased = new HashSet<>(aliases.aliasedVersions(modelId));
    Instant now = clock.instant();
    List<PurgedVersion> purged = new ArrayList<>();
    List<SkippedVersion> skipped = new ArrayList<>();
    for (VersionRow v : all) {
      if (v.purged() || v.version() >= latestGood) {
        continue;
      }
      List<String> held = ledger.heldBy(v.version());
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
      if (deadline != null) {
        Instant first = ledger.firstApplied(held).orElse(now);
        if (first.plus(deadline).isAfter(now)) {
          continue;
        }
      }
      if (dryRun) {
        purged.add(new PurgedVersion(v.version(), held, v.artifactSha256(), false));
        continue;
      }
      purged.add(purgeOne(v, held, actor, deadline));
    }
    return new PurgeReport(modelId, dryRun, purged, skipped);
  }

  private PurgedVersion purgeOne(VersionRow v, List<String> held, String actor, Duration deadline) {
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
          if (deadline != null) {
            details.put("trigger", "automatic: purge deadline " + deadline + " passed");
          }
          audit.append(
              AuditEntry.of(actor, "artifact.purged", v.modelId(), v.version(), null, details));
          log.info(
              "Purged artifact of {} version {} ({})", LogSafe.of(v.modelId()), v.version(), note);
          return new PurgedVersion(v.version(), held, v.artifactSha256(), deleted);
        });
  }
}
