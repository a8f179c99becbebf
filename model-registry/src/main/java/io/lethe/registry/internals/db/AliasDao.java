package io.lethe.registry.internals.db;

import java.util.List;
import java.util.Optional;

/** Aliases and their history. */
public interface AliasDao {

  Optional<AliasRow> find(String modelId, String alias);

  /**
   * Serializes changes to one alias: takes a transaction-scoped lock on (model, alias), held until
   * the transaction ends, whether or not the alias exists yet. Call inside a transaction.
   */
  void lock(String modelId, String alias);

  /** Like {@link #find} but locks the alias row until the transaction ends. */
  Optional<AliasRow> findForUpdate(String modelId, String alias);

  List<AliasRow> list(String modelId);

  /** Every alias of every model, by model and alias. */
  List<AliasRow> listAll();

  void set(String modelId, String alias, int version);

  boolean delete(String modelId, String alias);

  void recordMove(
      String modelId,
      String alias,
      io.lethe.avro.AliasMoveKind kind,
      Integer from,
      Integer to,
      String reason,
      String actor);

  /**
   * The oldest move not yet published, locked until the transaction ends (other transactions skip
   * it); empty when all are published. Call inside a transaction.
   */
  java.util.Optional<AliasMove> lockNextUnpublished();

  void markPublished(long id);

  /** Moves of an alias, newest first. */
  List<AliasMove> history(String modelId, String alias);

  /** Versions of a model that some alias points to. */
  List<Integer> aliasedVersions(String modelId);
}
