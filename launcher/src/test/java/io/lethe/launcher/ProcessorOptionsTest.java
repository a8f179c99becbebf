package io.lethe.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.LetheProcessor;
import io.lethe.processor.topology.ModelDirectory;
import io.lethe.processor.topology.TopologySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProcessorOptionsTest {
  /** Parses {@code lethe processor <args>} as the real command line does. */
  private static ProcessorCommand parse(String... args) {
    CommandLine cli = LetheCli.commandLine();
    String[] all = new String[args.length + 3];
    all[0] = "processor";
    all[1] = "--catalog"; // required; not read while parsing
    all[2] = "catalog.yaml";
    System.arraycopy(args, 0, all, 3, args.length);
    cli.parseArgs(all);
    return cli.getSubcommands().get("processor").getCommand();
  }

  @Test
  void aMistypedPropertyOrVariableIsRefusedWithItsName() {
    ProcessorCommand typo = parse("-p", "lethe.procesor.max-batch-bytes=10");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> typo.options.check(Map.of()));
    assertTrue(e.getMessage().contains("lethe.procesor.max-batch-bytes"), e.getMessage());

    ProcessorCommand kafka = parse("-p", "lethe.processor.kafka.securty.protocol=SSL");
    e = assertThrows(IllegalArgumentException.class, () -> kafka.options.check(Map.of()));
    assertTrue(e.getMessage().contains("securty.protocol is not a Kafka setting"), e.getMessage());

    ProcessorCommand plain = parse();
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> plain.options.check(Map.of("LETHE_BATCH_MAX_REQUEST", "5", "PATH", "/bin")));
    assertEquals("unknown environment variable LETHE_BATCH_MAX_REQUEST", e.getMessage());
  }

  @Test
  void knownPropertiesAndVariablesPass() {
    // Control for the test above: the right spellings are accepted.
    ProcessorCommand ok =
        parse(
            "-p", "lethe.processor.kafka.security.protocol=SASL_SSL",
            "-p", "lethe.processor.max-batch-bytes=10000",
            "-p", "lethe.avro.max-string-bytes=4096",
            "-p", "lethe.topic.dead-letter=my.dlq");
    ok.options.check(
        Map.of(
            "LETHE_BATCH_MAX_REQUESTS", "5",
            "LETHE_METRICS_HOST", "0.0.0.0",
            "LETHE_JDBC_URL", "jdbc:postgresql://db/lethe",
            "LETHE_JAVA_OPTS", "-Xmx2g"));
    assertEquals(Map.of("security.protocol", "SASL_SSL"), ok.options.kafkaClient());
    assertEquals(
        Map.of("lethe.avro.max-string-bytes", "4096", "lethe.topic.dead-letter", "my.dlq"),
        ok.options.serdeConfig());
  }

  @Test
  void theInstanceIdGivesTheWorkerItsOwnTransactionalIdAndTheSettingsReachTheProcessor() {
    ProcessorCommand command =
        parse(
            "--instance-id", "eu-west-2",
            "-p", "lethe.processor.kafka.security.protocol=SSL",
            "-p", "lethe.processor.max-sample-ids-per-request=77");
    command.options.check(Map.of());
    ModelDirectory none = id -> Optional.empty();
    LetheProcessor.Settings applied =
        command.options.apply(
            LetheProcessor.Settings.defaults(
                "localhost:9092", Path.of("/tmp/x"), TopologySettings.defaults(none)));
    assertEquals("lethe-worker-eu-west-2", applied.workerId());
    assertEquals(Map.of("security.protocol", "SSL"), applied.kafkaClient());
    assertEquals(77, applied.topology().limits().maxSampleIdsPerRequest());
    assertEquals("127.0.0.1", command.options.metricsAddress(9404).getHostString());
  }

  @Test
  void severalInstancesWithoutAnInstanceIdAreRefusedNamingTheOption() {
    ProcessorCommand two = parse("--instances", "2");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> two.options.check(Map.of()));
    assertTrue(e.getMessage().contains("--instances is 2"), e.getMessage());
    assertTrue(e.getMessage().contains("--instance-id (LETHE_INSTANCE_ID)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("--instances", "0").options.check(Map.of()));
    assertTrue(e.getMessage().contains("must be at least 1"), e.getMessage());
  }

  @Test
  void oneInstanceNeedsNoIdAndSeveralEachWithAnIdPass() {
    // Control for the test above: the default (one instance) and ids given are accepted.
    parse().options.check(Map.of());
    ProcessorCommand named = parse("--instances", "2", "--instance-id", "a");
    named.options.check(Map.of("LETHE_INSTANCES", "2", "LETHE_INSTANCE_ID", "a"));
  }

  @Test
  void durationOptionsAcceptTheShortForm() {
    assertEquals(Duration.ofSeconds(10), parse("--batch-max-age", "10s").batchMaxAge);
    assertEquals(Duration.ofMinutes(5), parse("--deadline-margin", "PT5M").deadlineMargin);
  }
}
