package io.lethe.registry.internals.service;

import io.lethe.avro.AliasMoveKind;
import io.lethe.registry.AliasPolicies;
import io.lethe.registry.AliasPolicy;
import io.lethe.registry.internals.db.AliasDao;
import io.lethe.registry.internals.db.AliasMove;
import io.lethe.registry.internals.db.AliasRow;
import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.VersionRow;
import io.lethe.registry.internals.service.Views.AliasDetail;
import io.lethe.registry.internals.service.Views.AliasView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aliases ({@code champion}, {@code candidate}) and the serving guard: an alias may point only at a
 * PASSED, verified, unpurged version that excludes every erasure already applied to its model. When
 * a new erasure leaves an alias on a version that holds it, the model's {@link AliasPolicy}
 * decides: FOLLOW moves it to the newest version that excludes everything, HOLD keeps it (and it is
 * counted as serving erased data). Every move is written to the alias history, the outbox that
 * {@link AliasEventOutbox} publishes from once the move has committed.
 */
public final class AliasService {
  private static final Logger log = LoggerFactory.getLogger(AliasService.class);
  static final String REGISTRY_ACTOR = "registry";
  private static final int MAX_LISTED = 20;

  private final Database db;
  private final VersionService versionService;
  private final AliasDao aliases;
  private final AuditDao audit;
  private final AliasPolicies policies;
  private final AliasEventOutbox events;

  public AliasService(
      Database db,
      VersionService versionService,
      AliasDao aliases,
      AuditDao audit,
      AliasPolicies policies,
      AliasEventOutbox events) {
    this.db = db;
    this.versionService = versionService;
    this.aliases = aliases;
    this.audit = audit;
    this.policies = policies;
    this.events = events;
  }

  public AliasPolicy policy(String modelId) {
    return policies.of(modelId);
  }

  /** The model's aliases, each with the erased requests its version still holds. */
  public List<AliasView> aliases(String modelId) {
    return db.inTransaction(
        () -> {
          versionService.requireModel(modelId);
          ErasureLedger ledger = ledger(modelId);
          return aliases.list(modelId).stream()
              .map(a -> AliasView.of(a, ledger.heldBy(a.version())))
              .toList();
        });
  }

  /** Where each alias of the model points now (alias name to version). */
  public Map<String, Integer> snapshot(String modelId) {
    Map<String, Integer> now = new LinkedHashMap<>();
    for (String alias : Checks.ALIASES) {
      now.put(alias, null);
    }
    aliases.list(modelId).forEach(a -> now.put(a.alias(), a.version()));
    return now;
  }

  public AliasDetail alias(String modelId, String alias) {
    Checks.checkAlias(alias);
    return db.inTransaction(
        () -> {
          versionService.requireModel(modelId);
          Optional<AliasRow> current = aliases.find(modelId, alias);
          List<String> held =
              current.map(a -> ledger(modelId).heldBy(a.version())).orElse(List.of());
          return new AliasDetail(
              current.map(a -> AliasView.of(a, held)).orElse(null),
              aliases.history(modelId, alias).stream().map(Views.AliasMoveView::of).toList());
        });
  }

  /** The artifact of the version {@code alias} points to; not found when it points nowhere. */
  public Views.ArtifactFile artifact(String modelId, String alias) {
    Checks.checkAlias(alias);
    int version =
        db.inTransaction(
            () -> {
              versionService.requireModel(modelId);
              return aliases
                  .find(modelId, alias)
                  .orElseThrow(
                      () ->
                          RegistryException.notFound(
                              "alias '" + alias + "' of " + modelId + " points to no version"))
                  .version();
            });
    return versionService.artifact(modelId, version);
  }

  /** Points {@code alias} at {@code version}, if the serving guard allows it; else a conflict. */
  public AliasDetail promote(
      String modelId, String alias, int version, String reason, String actor) {
    Checks.checkAlias(alias);
    db.inTransaction(
        () -> {
          VersionRow target = versionService.find(modelId, version);
          aliases.lock(modelId, alias);
          checkServable(target, ledger(modelId));
          Optional<AliasRow> current = aliases.findForUpdate(modelId, alias);
          if (current.isPresent() && current.get().version() == version) {
            return;
          }
          Integer from = current.map(AliasRow::version).orElse(null);
          move(modelId, alias, AliasMoveKind.PROMOTE, from, version, reason, actor);
        });
    events.flushSoon();
    return alias(modelId, alias);
  }

  /**
   * Moves {@code alias} back to the version it pointed to before its latest promotion, in one
   * transaction. Successive rollbacks walk further back; the target must pass the serving guard.
   */
  public AliasDetail rollback(String modelId, String alias, String reason, String actor) {
    Checks.checkAlias(alias);
    db.inTransaction(
        () -> {
          versionService.requireModel(modelId);
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
          checkServable(versionService.find(modelId, target), ledger(modelId));
          move(modelId, alias, AliasMoveKind.ROLLBACK, current.version(), target, reason, actor);
        });
    events.flushSoon();
    return alias(modelId, alias);
  }

  public void removeAlias(String modelId, String alias, String reason, String actor) {
    Checks.checkAlias(alias);
    db.inTransaction(
        () -> {
          AliasRow current = lockExisting(modelId, alias);
          aliases.delete(modelId, alias);
          aliases.recordMove(
              modelId, alias, AliasMoveKind.REMOVE, current.version(), null, reason, actor);
          audit.append(
              AuditEntry.of(
                  actor,
                  "alias.removed",
                  modelId,
                  current.version(),
                  null,
                  Checks.details("alias", alias, "reason", reason)));
        });
    events.flushSoon();
  }

  /**
   * Applies the model's alias policy after its versions or erasures changed: under FOLLOW, an alias
   * on a version that holds erased data moves to the newest version that holds none (when one
   * exists); under HOLD it stays, audited once per alias and version.
   */
  public void reconcile(String modelId) {
    for (AliasRow row : aliases.list(modelId)) {
      db.inTransaction(
          () -> {
            aliases.lock(modelId, row.alias());
            Optional<AliasRow> current = aliases.findForUpdate(modelId, row.alias());
            if (current.isEmpty()) {
              return;
            }
            int at = current.get().version();
            ErasureLedger ledger = ledger(modelId);
            List<String> held = ledger.heldBy(at);
            if (held.isEmpty()) {
              return;
            }
            Optional<VersionRow> target =
                policy(modelId) == AliasPolicy.FOLLOW ? ledger.newestServable() : Optional.empty();
            if (target.isPresent() && target.get().version() != at) {
              String reason = "follow: version " + at + " holds erased " + listed(held);
              move(
                  modelId,
                  row.alias(),
                  AliasMoveKind.FOLLOW,
                  at,
                  target.get().version(),
                  reason,
                  REGISTRY_ACTOR);
              return;
            }
            if (!audit.exists("alias.held", modelId, at, "alias", row.alias())) {
              String why =
                  policy(modelId) == AliasPolicy.HOLD
                      ? "policy hold"
                      : "no PASSED version excludes every erasure yet";
              log.warn(
                  "Alias {} of {} stays on version {}, which holds erased data ({})",
                  row.alias(),
                  LogSafe.of(modelId),
                  at,
                  why);
              audit.append(
                  AuditEntry.of(
                      REGISTRY_ACTOR,
                      "alias.held",
                      modelId,
                      at,
                      null,
                      Checks.details(
                          "alias", row.alias(), "reason", why, "heldRequests", capped(held))));
            }
          });
    }
    events.flushSoon();
  }

  /** Aliases, over all models, that point at a version holding erased data. */
  public int aliasesServingErasedData() {
    return db.inTransaction(
        () -> {
          Map<String, ErasureLedger> ledgers = new LinkedHashMap<>();
          int count = 0;
          for (AliasRow a : aliases.listAll()) {
            ErasureLedger ledger = ledgers.computeIfAbsent(a.modelId(), this::ledger);
            if (!ledger.heldBy(a.version()).isEmpty()) {
              count++;
            }
          }
          return count;
        });
  }

  ErasureLedger ledger(String modelId) {
    return versionService.ledger(modelId);
  }

  private static void checkServable(VersionRow v, ErasureLedger ledger) {
    String what = v.modelId() + " version " + v.version();
    if (!v.applied()) {
      throw RegistryException.conflict(
          what
              + " is "
              + v.status()
              + "; only versions that applied their batch (PASSED, or NOT_VERIFIED: insufficient"
              + " evidence) may be promoted");
    }
    if (!v.artifactVerified()) {
      throw RegistryException.conflict(
          what
              + " has an unverified artifact ("
              + v.artifactProblem()
              + ") and cannot be promoted");
    }
    List<String> held = ledger.heldBy(v.version());
    if (!held.isEmpty()) {
      String newest =
          ledger
              .newestServable()
              .map(n -> "; the newest version that excludes them is " + n.version())
              .orElse("");
      throw RegistryException.conflict(
          what + " still holds data of erased requests " + listed(held) + newest);
    }
    if (v.purged()) {
      throw RegistryException.conflict(what + " was purged and cannot be promoted");
    }
  }

  private static List<String> capped(List<String> ids) {
    return ids.size() <= MAX_LISTED ? ids : ids.subList(0, MAX_LISTED);
  }

  private static String listed(List<String> ids) {
    return capped(ids)
        + (ids.size() > MAX_LISTED ? " and " + (ids.size() - MAX_LISTED) + " more" : "");
  }

  /** Locks the alias for this transaction and reads it; not found when it is not set. */
  private AliasRow lockExisting(String modelId, String alias) {
    aliases.lock(modelId, alias);
    return aliases
        .findForUpdate(modelId, alias)
        .orElseThrow(
            () -> RegistryException.notFound("alias " + alias + " of " + modelId + " is not set"));
  }

  /** Replays the alias history: promotions push, rollbacks pop, removals clear. */
  private Deque<Integer> promotionStack(String modelId, String alias) {
    List<AliasMove> moves = new ArrayList<>(aliases.history(modelId, alias));
    Collections.reverse(moves);
    Deque<Integer> stack = new ArrayDeque<>();
    for (AliasMove move : moves) {
      switch (move.kind()) {
        // A FOLLOW move is a promotion the registry made: rolling back returns before it only
        // when the version before it is servable again, which the guard decides.
        case PROMOTE, FOLLOW -> stack.push(move.toVersion());
        case ROLLBACK -> {
          if (!stack.isEmpty()) {
            stack.pop();
          }
          if (stack.isEmpty() || stack.peek().intValue() != move.toVersion()) {
            stack.push(move.toVersion());
          }
        }
        case REMOVE -> stack.clear();
        default -> throw new IllegalStateException("unknown alias move " + move.kind());
      }
    }
    return stack;
  }

  private void move(
      String modelId,
      String alias,
      AliasMoveKind kind,
      Integer from,
      int to,
      String reason,
      String actor) {
    aliases.set(modelId, alias, to);
    aliases.recordMove(modelId, alias, kind, from, to, reason, actor);
    Map<String, Object> details = Checks.details("alias", alias, "kind", kind, "reason", reason);
    details.put("fromVersion", from);
    audit.append(AuditEntry.of(actor, "alias.moved", modelId, to, null, details));
    log.info("Alias {} of {} moved {} -> {} ({})", alias, LogSafe.of(modelId), from, to, kind);
  }
}
