package io.lethe.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.lethe.bench.pipeline.PipelineBenchmark;
import io.lethe.processor.topology.BatchPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lethe bench-pipeline}: topology throughput and end-to-end latency, as figures. */
@Command(
    name = "bench-pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Measure the exactly-once topology's throughput against a plain consume->produce copy,"
            + " and the end-to-end latency from request to APPLIED receipt, on the in-JVM broker.")
public final class PipelineBenchCommand implements Callable<Integer> {

  @Option(
      names = "--requests",
      defaultValue = "100000",
      description = "Records for each throughput run. Default: ${DEFAULT-VALUE}.")
  int requests;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "Throughput rounds (each contender once per round; medians reported). Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(
      names = "--latency-requests",
      defaultValue = "30",
      description = "Requests for the latency run. Default: ${DEFAULT-VALUE}.")
  int latencyRequests;

  @Option(
      names = "--interval",
      defaultValue = "PT2S",
      description = "Pause between latency requests. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(
      names = "--batch-age",
      defaultValue = "PT2S",
      description = "Batch age limit in the latency run. Default: ${DEFAULT-VALUE}.")
  Duration batchAge;

  @Option(
      names = "--class-method",
      defaultValue = "retrain",
      description = "Method for class batches. Default: ${DEFAULT-VALUE}.")
  String classMethod;

  @Option(
      names = "--sample-method",
      defaultValue = "retrain",
      description = "Method for sample batches. Default: ${DEFAULT-VALUE}.")
  String sampleMethod;

  @Option(
      names = "--epochs",
      defaultValue = "8",
      description = "Training epochs of the model. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--commit-interval",
      defaultValue = "PT0.1S",
      description =
          "Kafka Streams commit.interval.ms of the topology (exactly-once default 100 ms). Default: ${DEFAULT-VALUE}.")
  Duration commitInterval;

  @Option(names = "--output", description = "Also write the results as Markdown to this file.")
  Path output;

  @Override
  public Integer call() throws Exception {
    // Hundreds of batches close during the throughput runs; a line for each would bury the figures.
    ((Logger) LoggerFactory.getLogger("io.lethe.processor.topology")).setLevel(Level.WARN);
    var options =
        new PipelineBenchmark.Options(
            requests,
            rounds,
            latencyRequests,
            interval,
            new BatchPolicy(50, batchAge, Duration.ofMinutes(5)),
            classMethod,
            sampleMethod,
            epochs,
            commitInterval);
    PipelineBenchmark.Result r = new PipelineBenchmark(options, System.out).run();
    String markdown = markdown(r, options);
    System.out.println();
    System.out.println(markdown);
    if (output != null) {
      Files.createDirectories(output.toAbsolutePath().getParent());
      Files.writeString(output, markdown);
    }
    return 0;
  }

  static String markdown(PipelineBenchmark.Result r, PipelineBenchmark.Options o) {
    return String.format(
        """
        | measure | value |
        |---|---|
        | plain consume→produce copy | %,.0f records/s |
        | Kafka Streams exactly_once_v2 copy (empty topology) | %,.0f records/s (%.2f of the plain copy) |
        | the same, each record written to 4 topics (the topology's output per request, no work) | %,.0f records/s (%.2f of the plain copy) |
        | deletion topology (exactly_once_v2) | %,.0f requests/s |
        | topology / plain copy | %.2f (goal ≥ 0.50) |
        | topology / Kafka Streams copy | %.2f |
        | end-to-end latency p50 | %.2f s |
        | end-to-end latency p99 | %.2f s (goal ≤ batch age %.1f s + 3 s = %.1f s) |
        | end-to-end latency max | %.2f s |
        | latency samples | %d requests, one every %s; methods %s (class) / %s (samples); %d training epochs |
        | throughput records | %,d per run, median of %d rounds after a warm-up; commit interval %d ms |
        | measured | %s, %d cores, in-JVM KRaft broker |
        """,
        r.copyPerSecond(),
        r.streamsCopyPerSecond(),
        r.streamsCopyRatio(),
        r.fanOutPerSecond(),
        r.fanOutRatio(),
        r.topologyPerSecond(),
        r.ratio(),
        r.topologyPerSecond() / r.streamsCopyPerSecond(),
        r.p50Millis() / 1000.0,
        r.p99Millis() / 1000.0,
        r.batchAge().toMillis() / 1000.0,
        r.batchAge().toMillis() / 1000.0 + 3,
        r.maxMillis() / 1000.0,
        r.latencySamples(),
        o.latencyInterval(),
        o.classMethod(),
        o.sampleMethod(),
        o.epochs(),
        r.requests(),
        r.rounds(),
        o.commitInterval().toMillis(),
        Instant.now(),
        Runtime.getRuntime().availableProcessors());
  }
}
