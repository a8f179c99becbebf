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
      Map.of(
          "LETHE_BOOTSTRAP_SERVERS", RegistryConfig.PREFIX + "bootstrap-servers",
          "LETHE_SCHEMA_REGISTRY_URL", "lethe.schema-registry.url",
          "LETHE_JDBC_URL", RegistryConfig.PREFIX + "jdbc.url",
          "LETHE_JDBC_USER", RegistryConfig.PREFIX + "jdbc.user",
          "LETHE_JDBC_PASSWORD", RegistryConfig.PREFIX + "jdbc.password",
          "LETHE_HTTP_PORT", RegistryConfig.PREFIX + "http.port",
          "LETHE_HTTP_HOST", RegistryConfig.PREFIX + "http.host",
          "LETHE_ADMIN_TOKEN", RegistryConfig.PREFIX + "admin-token",
          "LETHE_SIGNING_KEY", RegistryConfig.PREFIX + "signing-key",
          "LETHE_DATA_DIR", RegistryConfig.PREFIX + "embedded-db.data-dir");

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
    config.putAll(properties);
    try (ModelRegistryApp registry =
        ModelRegistryApp.start(RegistryConfig.fromProperties(config))) {
      ProcessorCommand.awaitShutdown();
    }
    return 0;
  }
}
