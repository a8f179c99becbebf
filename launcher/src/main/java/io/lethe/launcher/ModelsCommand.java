package io.lethe.launcher;

import io.lethe.avro.ModelRegistration;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicAdmin;
import io.lethe.kafka.TopicNames;
import io.lethe.processor.catalog.CatalogException;
import io.lethe.processor.registration.Registrar;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lethe models}: the models of a running deployment (the compacted models topic). */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "Register models with a running deployment, list what is registered, calibrate a"
            + " model's unlearning.",
    subcommands = {
      ModelsCommand.Register.class,
      ModelsCommand.ListModels.class,
      CalibrateCommand.class
    })
public final class ModelsCommand {

  /** Where the deployment is: the same settings as the processor's. */
  static final class Connection {
    @Option(
        names = "--bootstrap-servers",
        defaultValue = "${env:LETHE_BOOTSTRAP_SERVERS:-localhost:9092}",
        description = "Kafka (LETHE_BOOTSTRAP_SERVERS). Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(
        names = "--schema-registry-url",
        defaultValue = "${env:LETHE_SCHEMA_REGISTRY_URL}",
        description =
            "Apicurio Registry core API URL, when the deployment uses one"
                + " (LETHE_SCHEMA_REGISTRY_URL).")
    String schemaRegistryUrl;

    @Mixin ProcessorOptions options;

    /** The deployment's topics (created if missing). */
    LetheTopics topics() {
      Map<String, Object> config = options.checkedConfig();
      if (schemaRegistryUrl != null && !schemaRegistryUrl.isBlank()) {
        config.put(AvroSerdes.REGISTRY_URL, schemaRegistryUrl);
      }
      LetheTopics topics =
          new LetheTopics(TopicNames.fromConfig(config), AvroSerdes.fromConfig(config));
      TopicAdmin.ensureTopics(bootstrapServers, options.kafkaClient(), topics.names, 1, (short) 1);
      return topics;
    }

    Registrar registrar() {
      return new Registrar(bootstrapServers, options.kafkaClient(), topics());
    }
  }

  /** {@code lethe models register FILE}. */
  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Validate a catalog file (every model, its data, its methods: as a processor does), then"
            + " publish its models to the deployment's models topic. Running processors onboard a"
            + " new model (its first version and lineage) and serve it without a restart.",
        "Registering again: the same entry changes nothing; new methods, settings, policies or"
            + " recipe are a new generation used from the next batch on, keeping every version and"
            + " everything erased; other data or another model under a registered id is refused."
            + " Nothing is published when any model has a problem."
      })
  static final class Register implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The catalog (YAML, docs/catalog.md).")
    Path file;

    @Option(
        names = "--model",
        split = ",",
        description = "Only these models of the file (default: every model in it).")
    List<String> models = new ArrayList<>();

    @Option(
        names = "--wait",
        description =
            "Wait this long for each new model's first version (a processor onboarded it), e.g."
                + " 5m.")
    Duration wait;

    @Mixin Connection connection;

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
      Registrar registrar = connection.registrar();
      List<Registrar.Result> results;
      try {
        results = registrar.register(file, models, whoAmI());
      } catch (CatalogException | Registrar.RefusedException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      int status = 0;
      for (Registrar.Result r : results) {
        out.printf(
            "%-20s %s (generation %d)%n",
            r.modelId(), r.outcome().name().toLowerCase().replace('_', ' '), r.generation());
        if (wait != null && r.outcome() == Registrar.Outcome.REGISTERED) {
          var first = registrar.awaitFirstVersion(r.modelId(), wait);
          if (first.isPresent()) {
            out.printf(
                "%-20s version 1 %s, test accuracy %.4f%n",
                r.modelId(), first.get().getStatus(), first.get().getMetrics().getTestAccuracy());
          } else {
            System.err.println(
                r.modelId()
                    + ": no first version within "
                    + wait
                    + "; is a processor running? (its log says why a registration was not served)");
            status = 1;
          }
        }
      }
      return status;
    }
  }

  /** {@code lethe models list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the registered models with their generation.")
  static final class ListModels implements Callable<Integer> {
    @Mixin Connection connection;

    @Override
    public Integer call() {
      for (ModelRegistration r : connection.registrar().current().values()) {
        System.out.printf(
            "%-20s generation %d, registered %s by %s, fingerprint %s%n",
            r.getModelId(),
            r.getGeneration(),
            r.getRegisteredAt(),
            r.getRegisteredBy(),
            r.getFingerprint().substring(0, Math.min(12, r.getFingerprint().length())));
      }
      return 0;
    }
  }

  static String whoAmI() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name", "unknown") + "@" + host;
  }
}
