package io.lethe.launcher;

import io.lethe.config.Durations;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lethe} command line. */
@Command(
    name = "lethe",
    mixinStandardHelpOptions = true,
    version = "lethe 0.1.0",
    description = "Continuous machine unlearning driven by Kafka deletion events.",
    subcommands = {
      DemoCommand.class,
      ProcessorCommand.class,
      CatalogCommand.class,
      ModelsCommand.class,
      RequestCommand.class,
      StatusCommand.class,
      PendingCommand.class,
      DlqCommand.class,
      LineageCommand.class,
      RegistryCommand.class,
      BenchCommand.class,
      LifetimeBenchCommand.class,
      PipelineBenchCommand.class
    })
public final class LetheCli {
  /** The exit status when Kafka or the registry's database cannot be reached. */
  static final int UNREACHABLE_EXIT = 3;

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.exit(commandLine().execute(args));
  }

  /** The command line, with one parser for every duration option ({@code 10s} or ISO-8601). */
  static CommandLine commandLine() {
    return new CommandLine(new LetheCli())
        .registerConverter(Duration.class, Durations::parse)
        .setExecutionExceptionHandler(
            (e, line, parsed) -> {
              // An unreachable broker or database is the operator's to fix, not a bug: one line,
              // no trace.
              if (e instanceof io.lethe.kafka.KafkaUnreachableException
                  || e instanceof io.lethe.registry.DatabaseUnreachableException) {
                line.getErr().println("lethe: " + e.getMessage());
                return UNREACHABLE_EXIT;
              }
              throw e;
            });
  }
}
