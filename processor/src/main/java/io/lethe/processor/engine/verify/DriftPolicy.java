package io.lethe.processor.engine.verify;

/**
 * When the drift guard re-anchors a model by exact retraining on its cumulative retain set (the
 * catalog's {@code driftGuard} section, docs/catalog.md). After every applied version the guard
 * compares the new version with the model's first version, without any oracle; a bound crossed
 * re-anchors:
 *
 * <ul>
 *   <li>test drop: version 1's held-out test accuracy minus this version's, on the classes both
 *       still serve, above {@code maxTestDrop} plus {@code sampleErrorZ} standard errors of version
 *       1's accuracy on those rows (what the test set's size alone lets it move);
 *   <li>an earlier forgotten class (from the ledger) recognized above the verification policy's
 *       class limit, or the earlier forgotten samples above its sample rule (forgetting reversal);
 *   <li>the mean Jensen-Shannon divergence (bits) of this version's outputs from version 1's on a
 *       fixed reference set of retained training rows above {@code maxDivergence} (none: reported
 *       only);
 *   <li>or every {@code reanchorEvery} versions (versions 1 + N, 1 + 2N, ...; 0: off).
 * </ul>
 *
 * @param enabled whether the guard runs at all (off: no drift figures, no re-anchoring)
 * @param reanchorEvery re-anchor every N versions regardless of the bounds; 0 turns it off
 * @param maxTestDrop accepted test drop beyond version 1's sampling error (fraction, 0.01 = 1 pt)
 * @param sampleErrorZ standard errors of version 1's test accuracy added to {@code maxTestDrop}
 * @param maxDivergence highest accepted mean JS divergence on the reference rows, or null
 * @param referenceRows retained training rows in the reference set (drawn once with the model's
 *     seed; rows forgotten later leave it)
 */
public record DriftPolicy(
    boolean enabled,
    int reanchorEvery,
    double maxTestDrop,
    double sampleErrorZ,
    Double maxDivergence,
    int referenceRows) {

  /** Bounds the reference set's size before anything is allocated. */
  public static final int MAX_REFERENCE_ROWS = 100_000;

  public DriftPolicy {
    if (reanchorEvery < 0) {
      throw new IllegalArgumentException("reanchorEvery must be 0 (off) or more: " + reanchorEvery);
    }
    if (!(maxTestDrop >= 0 && maxTestDrop <= 1)) {
      throw new IllegalArgumentException("maxTestDrop must be in [0, 1]: " + maxTestDrop);
    }
    if (!(sampleErrorZ >= 0 && sampleErrorZ <= 10)) {
      throw new IllegalArgumentException("sampleErrorZ must be in [0, 10]: " + sampleErrorZ);
    }
    if (maxDivergence != null && !(maxDivergence >= 0 && maxDivergence <= 1)) {
      throw new IllegalArgumentException(
          "maxDivergence must be in [0, 1] bits or none: " + maxDivergence);
    }
    if (referenceRows < 1 || referenceRows > MAX_REFERENCE_ROWS) {
      throw new IllegalArgumentException(
          "referenceRows must be in [1, " + MAX_REFERENCE_ROWS + "]: " + referenceRows);
    }
  }

  /**
   * On: re-anchors when the test drop exceeds 1 point beyond 2 standard errors, or an earlier
   * forget set is recognized above the verification policy's limits; the divergence on 500
   * reference rows is reported, not bounded; no periodic re-anchoring.
   */
  public static DriftPolicy defaults() {
    return new DriftPolicy(true, 0, 0.01, 2.0, null, 500);
  }

  /** The guard turned off. */
  public static DriftPolicy off() {
    return defaults().withEnabled(false);
  }

  public DriftPolicy withEnabled(boolean value) {
    return new DriftPolicy(
        value, reanchorEvery, maxTestDrop, sampleErrorZ, maxDivergence, referenceRows);
  }

  public DriftPolicy withReanchorEvery(int value) {
    return new DriftPolicy(enabled, value, maxTestDrop, sampleErrorZ, maxDivergence, referenceRows);
  }

  /** Whether version {@code version} is due for its periodic re-anchoring. */
  public boolean periodicAt(int version) {
    return reanchorEvery > 0 && version > 1 && (version - 1) % reanchorEvery == 0;
  }
}
