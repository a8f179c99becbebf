package io.lethe.bench.unlearning;

import io.lethe.processor.engine.verify.VerificationReport;

/**
 * One method's line in a benchmark table.
 *
 * @param table {@code class}, {@code samples}, {@code linear-class} or {@code linear-samples}
 * @param method the method's name
 * @param report its verification report against the oracle
 * @param policy PASSED, FAILED with the failing checks, or INSUFFICIENT_EVIDENCE
 * @param notes what the method reported
 * @param cpuMillis CPU time of the whole process during the method (all threads; robust against
 *     other processes competing for the cores, unlike wall time)
 * @param cpuSpeedup the oracle's CPU time / this method's CPU time
 */
public record BenchmarkRow(
    String table,
    String method,
    VerificationReport report,
    String policy,
    String notes,
    long cpuMillis,
    double cpuSpeedup) {}
