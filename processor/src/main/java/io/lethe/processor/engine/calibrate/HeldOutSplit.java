package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import java.util.Arrays;

/**
 * The calibration's own held-out rows H, carved out of the training rows (stratified by class,
 * seeded), and the rest T that its original and every oracle are trained on. H stands in for the
 * test set the calibration must never see.
 *
 * @param heldOut H: {@link #FRACTION} of every class, at most {@link #MAX_ROWS} rows in all
 * @param rest T: the other training rows
 */
record HeldOutSplit(Dataset heldOut, Dataset rest) {

  static final double FRACTION = 0.15;
  static final int MAX_ROWS = 2_000;

  /** Per class, the first {@code round(count * f)} of a seeded shuffle go to H. */
  static HeldOutSplit of(Dataset train, long seed) {
    int n = train.size();
    double fraction = Math.min(FRACTION, (double) MAX_ROWS / Math.max(1, n));
    int[] order = DatasetSplit.shuffledIndices(n, seed ^ 0x48454C44L);
    int[] counts = train.classCounts();
    int[] quota = new int[counts.length];
    for (int c = 0; c < counts.length; c++) {
      quota[c] = (int) Math.round(counts[c] * fraction);
    }
    boolean[] held = new boolean[n];
    for (int i : order) {
      int c = train.label(i);
      if (quota[c] > 0) {
        quota[c]--;
        held[i] = true;
      }
    }
    int[] h = new int[n];
    int[] t = new int[n];
    int nh = 0;
    int nt = 0;
    for (int i = 0; i < n; i++) {
      if (held[i]) {
        h[nh++] = i;
      } else {
        t[nt++] = i;
      }
    }
    return new HeldOutSplit(train.subset(Arrays.copyOf(h, nh)), train.subset(Arrays.copyOf(t, nt)));
  }
}
