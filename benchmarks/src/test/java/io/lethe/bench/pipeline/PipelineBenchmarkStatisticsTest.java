package io.lethe.bench.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The benchmark reports medians of rounds and latency percentiles; these are their edge cases. */
class PipelineBenchmarkStatisticsTest {

  @Test
  void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
    assertEquals(20.0, PipelineBenchmark.median(new double[] {30, 10, 20}));
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    assertEquals(25.0, PipelineBenchmark.median(new double[] {40, 10, 20, 30}));
  }

  @Test
  void medianLeavesItsInputUnsorted() {
    double[] rounds = {3, 1, 2};
    PipelineBenchmark.median(rounds);
    assertEquals(3.0, rounds[0]);
  }

  @Test
  void percentilesOfThirtyLatenciesNameTheMaximumAsP99() {
    long[] sorted = new long[30];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = (i + 1) * 100L;
    }
    assertEquals(1500, PipelineBenchmark.percentile(sorted, 0.50));
    assertEquals(3000, PipelineBenchmark.percentile(sorted, 0.99));
    assertEquals(0, PipelineBenchmark.percentile(new long[0], 0.99));
  }
}
