package io.lethe.registry.internals.db;

/**
 * Verification metrics of a version; names follow the Avro {@code VerificationMetrics} record. The
 * per-example membership test's figures ({@code perExample*}), the drift guard's ({@code drift*})
 * and {@code reanchorReason} are null when they did not run, and for versions stored before V6.
 */
public record Metrics(
    Double forgetAccuracy,
    Double retainAccuracy,
    Double testAccuracy,
    Double mia,
    Double avgGap,
    Double jsDivergence,
    Double parameterDistance,
    int forgetSetSize,
    int retainSetSize,
    long durationMillis,
    Double speedup,
    String evidence,
    Integer perExampleReferenceModels,
    Double perExampleMeanScore,
    Double perExampleWorstScore,
    Double perExampleFlagged,
    Double perExamplePower,
    Double driftTestDrop,
    Double driftEarlierForgetAccuracy,
    Double driftDivergence,
    String reanchorReason) {

  /** Whether the per-example membership test ran on this version. */
  public boolean perExampleTested() {
    return perExampleReferenceModels != null;
  }

  /** Whether the drift guard measured anything on this version. */
  public boolean driftMeasured() {
    return driftTestDrop != null || driftEarlierForgetAccuracy != null || driftDivergence != null;
  }
}
