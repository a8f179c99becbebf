package io.lethe.launcher;

import io.lethe.registry.ModelRegistryApp;
import io.lethe.registry.RegistryConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The model registry service alone, against an existing Kafka and (optionally) PostgreSQL. */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description =
        "Run the model registry: consume model versions and receipts, serve the REST API and web"
            + " page. Settings: the LETHE_* environment variables below, or -p lethe.registry.*=…"
            + " (see model-registry/README.md).")
public final class RegistryCommand implements Callable<Integer> {
  /** Environment variables and the registry property each one sets. */
  static final Map<String, String> ENVIRONMENT =
      Map.ofEntries(
          Map.entry("LETHE_BOOTSTRAP_SERVERS", RegistryConfig.PREFIX + "bootstrap-servers"),
          Map.entry("LETHE_SCHEMA_REGISTRY_URL", "lethe.schema-registry.url"),
          Map.entry("LETHE_JDBC_URL", RegistryConfig.PREFIX + "jdbc.url"),
          Map.entry("LETHE_JDBC_USER", RegistryConfig.PREFIX + "jdbc.user"),
          Map.entry("LETHE_JDBC_PASSWORD", RegistryConfig.PREFIX + "jdbc.password"),
          Map.entry("LETHE_HTTP_PORT", RegistryConfig.PREFIX + "http.port"),
          Map.entry("LETHE_HTTP_HOST", RegistryConfig.PREFIX + "http.host"),
          Map.entry("LETHE_ADMIN_TOKEN", RegistryConfig.PREFIX + "admin-token"),
          Map.entry("LETHE_SIGNING_KEY", RegistryConfig.PREFIX + "signing-key"),
          Map.entry("LETHE_DATA_DIR", RegistryConfig.PREFIX + "data-dir"),
          Map.entry("LETHE_ARTIFACT_DIR", RegistryConfig.PREFIX + "artifact-root"),
          Map.entry("LETHE_ALIAS_POLICY", RegistryConfig.PREFIX + "alias-policy"),
          Map.entry("LETHE_PURGE_DEADLINE", RegistryConfig.PREFIX + "purge.deadline"));

  /**
   * Where {@code lethe registry} keeps its database, signing key and generated admin token unless
   * told otherwise: a restart keeps receipts and verifies yesterday's certificates.
   */
  static final String DEFAULT_DATA_DIR = ".lethe/registry";

  /** The processor's default artifact directory ({@code <its data dir>/artifacts}). */
  static final String DEFAULT_ARTIFACT_DIR = ".lethe/processor/artifacts";

  @Option(
      names = {"-p", "--property"},
      description =
          "A registry property, e.g. -p lethe.registry.http.port=8080 (wins over the environment).")
  Map<String, String> properties = new HashMap<>();

  @Override
  public Integer call() throws Exception {
    Map<String, String> config = new HashMap<>();
    ENVIRONMENT.forEach(
        (env, key) -> {
          String value = System.getenv(env);
          if (value != null && !value.isBlank()) {
            config.put(key, value);
          }
        });
    config.putIfAbsent(RegistryConfig.PREFIX + "bootstrap-servers", "localhost:9092");
    config.putIfAbsent(RegistryConfig.PREFIX + "data-dir", DEFAULT_DATA_DIR);
    config.putIfAbsent(RegistryConfig.PREFIX + "artifact-root", DEFAULT_ARTIFACT_DIR);
    config.putAll(properties);
    try (GracefulShutdown shutdown = GracefulShutdown.install();
        ModelRegistryApp registry = ModelRegistryApp.start(RegistryConfig.fromProperties(config))) {
      shutdown.await();
    }
    return 0;
  }
}
