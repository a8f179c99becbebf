package io.lethe.registry.internals.service;

import io.lethe.avro.ReceiptStatus;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.ReceiptDao;
import io.lethe.registry.internals.db.ReceiptRow;
import io.lethe.registry.internals.db.VersionDao;
import io.lethe.registry.internals.db.VersionRow;
import io.lethe.registry.internals.service.Views.ModelExclusion;
import io.lethe.registry.internals.service.Views.RequestView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A deletion request's receipts and, per model, the first version that excludes its data. */
public final class RequestService {
  private final Database db;
  private final VersionDao versions;
  private final ReceiptDao receipts;

  public RequestService(Database db, VersionDao versions, ReceiptDao receipts) {
    this.db = db;
    this.versions = versions;
    this.receipts = receipts;
  }

  /**
   * How far a status takes a request. The latest status reported is the most advanced one, so a
   * DUPLICATE receipt (a repeat of the request arrived) after APPLIED does not read as "not
   * applied"; among equals the later receipt wins.
   */
  static int progress(ReceiptStatus status) {
    return switch (status) {
      case UNKNOWN -> 0;
      case DUPLICATE -> 1;
      case ACCEPTED -> 2;
      case REJECTED, BATCHED -> 3;
      case FAILED -> 4;
      case APPLIED, NOT_PRESENT -> 5;
    };
  }

  static ReceiptStatus latest(List<ReceiptRow> history) {
    ReceiptStatus best = null;
    for (ReceiptRow r : history) {
      if (best == null || progress(r.status()) >= progress(best)) {
        best = r.status();
      }
    }
    return best;
  }

  /**
   * A request's receipts and, for every model it concerns, the first version that excludes its
   * data: the lowest non-FAILED version listing the request, or the version its APPLIED receipt
   * names, whichever is lower.
   */
  public RequestView request(String requestId) {
    return db.inTransaction(
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
            if (r.status() == ReceiptStatus.APPLIED
                && r.modelId() != null
                && r.modelVersion() != null) {
              first.merge(r.modelId(), r.modelVersion(), Math::min);
              appliedAt.merge(r.modelId(), r.at(), (a, b) -> a.isBefore(b) ? a : b);
            }
          }
          for (VersionRow v : listing) {
            models.add(v.modelId());
            if (!v.failed()) {
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
          return new RequestView(
              requestId,
              latest(history),
              history.stream().map(Views.ReceiptView::of).toList(),
              exclusions);
        });
  }
}
