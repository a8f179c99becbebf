package io.lethe.registry.internals.service;

import io.lethe.registry.internals.db.ReceiptRow;
import io.lethe.registry.internals.db.VersionRow;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What has been erased on one model and which of its versions still hold it. A request is erased on
 * the model once a non-FAILED version lists it or an APPLIED receipt names it. Version v holds
 * request R's data when R was erased on the model but no non-FAILED version on v's own lineage
 * chain (v and its ancestors) erased it: a FAILED version still holds what it tried to erase, and
 * so does every version older than the erasure.
 */
final class ErasureLedger {
  private final Map<Integer, VersionRow> byVersion = new HashMap<>();

  /** request -> versions that erase it */
  private final Map<String, Set<Integer>> erasedAt = new HashMap<>();

  /** request -> when it was first applied on the model */
  private final Map<String, Instant> appliedAt = new HashMap<>();

  ErasureLedger(List<VersionRow> versions, List<ReceiptRow> applied) {
    for (VersionRow v : versions) {
      byVersion.put(v.version(), v);
      if (!v.failed()) {
        for (String r : v.requestIds()) {
          erasedAt.computeIfAbsent(r, k -> new HashSet<>()).add(v.version());
          Instant at = v.ingestedAt() == null ? v.createdAt() : v.ingestedAt();
          appliedAt.merge(r, at, ErasureLedger::earlier);
        }
      }
    }
    for (ReceiptRow r : applied) {
      if (r.modelVersion() != null) {
        erasedAt.computeIfAbsent(r.requestId(), k -> new HashSet<>()).add(r.modelVersion());
        appliedAt.merge(r.requestId(), r.at(), ErasureLedger::earlier);
      }
    }
  }

  /** The erased requests whose data {@code version} still holds, sorted. */
  List<String> heldBy(int version) {
    VersionRow v = byVersion.get(version);
    if (v == null) {
      return List.copyOf(new java.util.TreeSet<>(erasedAt.keySet()));
    }
    Set<Integer> chain = chain(v);
    return erasedAt.entrySet().stream()
        .filter(e -> e.getValue().stream().noneMatch(chain::contains))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** When the earliest of {@code requests} was applied on the model. */
  Optional<Instant> firstApplied(List<String> requests) {
    return requests.stream().map(appliedAt::get).filter(a -> a != null).min(Instant::compareTo);
  }

  /**
   * The newest version an alias may serve: PASSED, artifact verified, not purged, holding no erased
   * data.
   */
  Optional<VersionRow> newestServable() {
    return byVersion.values().stream()
        .filter(v -> servable(v) && heldBy(v.version()).isEmpty())
        .max(java.util.Comparator.comparingInt(VersionRow::version));
  }

  static boolean servable(VersionRow v) {
    return v.applied() && v.artifactVerified() && !v.purged();
  }

  /** The non-FAILED versions on {@code v}'s lineage chain (itself and its ancestors). */
  private Set<Integer> chain(VersionRow v) {
    Set<Integer> chain = new HashSet<>();
    Set<Integer> seen = new HashSet<>();
    VersionRow at = v;
    while (at != null && seen.add(at.version())) {
      if (!at.failed()) {
        chain.add(at.version());
      }
      at = at.parentVersion() == null ? null : byVersion.get(at.parentVersion());
    }
    return chain;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
