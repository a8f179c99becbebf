package io.lethe.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.lethe.avro.AliasEvent;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.RegistrationOutcome;
import io.lethe.avro.RegistrationRequest;
import io.lethe.avro.RequestReceipt;
import io.lethe.registry.internals.artifact.ArtifactRoot;
import io.lethe.registry.internals.artifact.ArtifactVerifier;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.DatabaseAddress;
import io.lethe.registry.internals.db.EmbeddedDatabase;
import io.lethe.registry.internals.db.JdbcAliasDao;
import io.lethe.registry.internals.db.JdbcAuditDao;
import io.lethe.registry.internals.db.JdbcCalibrationDao;
import io.lethe.registry.internals.db.JdbcCertificateDao;
import io.lethe.registry.internals.db.JdbcDeadLetterDao;
import io.lethe.registry.internals.db.JdbcKeyringDao;
import io.lethe.registry.internals.db.JdbcModelTagDao;
import io.lethe.registry.internals.db.JdbcReceiptDao;
import io.lethe.registry.internals.db.JdbcRegistrationDao;
import io.lethe.registry.internals.db.JdbcVersionDao;
import io.lethe.registry.internals.db.Migrations;
import io.lethe.registry.internals.health.RegistryHealth;
import io.lethe.registry.internals.kafka.AliasEventPublisher;
import io.lethe.registry.internals.kafka.RegistrationOutcomeConsumer;
import io.lethe.registry.internals.kafka.RegistrationRequestPublisher;
import io.lethe.registry.internals.kafka.RegistryConsumer;
import io.lethe.registry.internals.service.AliasEventOutbox;
import io.lethe.registry.internals.service.AliasEventSink;
import io.lethe.registry.internals.service.AliasService;
import io.lethe.registry.internals.service.AuditService;
import io.lethe.registry.internals.service.CalibrationService;
import io.lethe.registry.internals.service.CertificateService;
import io.lethe.registry.internals.service.DeadLetterService;
import io.lethe.registry.internals.service.ErasureKeeper;
import io.lethe.registry.internals.service.IngestService;
import io.lethe.registry.internals.service.ModelService;
import io.lethe.registry.internals.service.PurgeService;
import io.lethe.registry.internals.service.RegistrationService;
import io.lethe.registry.internals.service.RegistrationSink;
import io.lethe.registry.internals.service.RegistryMetrics;
import io.lethe.registry.internals.service.RequestService;
import io.lethe.registry.internals.service.VersionService;
import io.lethe.registry.internals.web.AliasController;
import io.lethe.registry.internals.web.AuditController;
import io.lethe.registry.internals.web.CalibrationController;
import io.lethe.registry.internals.web.DeadLetterController;
import io.lethe.registry.internals.web.HttpServer;
import io.lethe.registry.internals.web.Json;
import io.lethe.registry.internals.web.ModelController;
import io.lethe.registry.internals.web.RegistrationController;
import io.lethe.registry.internals.web.RequestController;
import io.lethe.registry.internals.web.Routes;
import io.lethe.registry.internals.web.SystemController;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry: consumes {@code lethe.model-versions}, {@code lethe.request-receipts} and
 * {@code lethe.calibrations} into PostgreSQL and serves them over HTTP (JSON API, OpenAPI document,
 * web page, Prometheus metrics).
 *
 * <p>{@link #start(RegistryConfig)} does everything: it starts an embedded PostgreSQL when no JDBC
 * URL is configured, migrates the schema (a failed migration stops the start), then starts the
 * consumer thread and the HTTP server. The constructor takes the dependencies instead, for callers
 * (and tests) that bring their own database.
 */
public final class ModelRegistryApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelRegistryApp.class);

  private final RegistryConfig config;
  private final Database db;
  private final PrometheusMeterRegistry meters;
  private final RegistryConsumer consumer;
  private final RegistrationOutcomeConsumer registrationOutcomes;
  private final CertificateService certificates;
  private final ErasureKeeper keeper;
  private final AliasEventOutbox outbox;
  private final Javalin http;
  private final String adminToken;
  private volatile RegistryHealth health;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private boolean closed;

  /**
   * Wires the registry over an already-migrated database; starts nothing ({@link #run()} does). The
   * registry owns {@code meters} and closes it, then {@code owned} (last first), on {@link
   * #close()}.
   */
  public ModelRegistryApp(
      RegistryConfig config,
      DataSource dataSource,
      PrometheusMeterRegistry meters,
      Clock clock,
      AutoCloseable... owned) {
    this.config = config;
    this.owned.addAll(List.of(owned));
    this.db = new Database(dataSource, Migrations.DEFAULT_APP_ROLE);
    this.meters = meters;
    ObjectMapper json = Json.mapper();

    JdbcVersionDao versions = new JdbcVersionDao(db);
    JdbcReceiptDao receipts = new JdbcReceiptDao(db);
    JdbcAliasDao aliases = new JdbcAliasDao(db);
    JdbcAuditDao audit = new JdbcAuditDao(db, json);
    RegistryMetrics metrics = new RegistryMetrics(meters);
    ArtifactRoot artifactRoot = ArtifactRoot.of(config.artifactRoot());
    log.info("Artifacts are read, served and deleted only under {}", artifactRoot);

    AliasEventSink events = AliasEventSink.NONE;
    if (config.bootstrapServers() != null) {
      AliasEventPublisher publisher =
          new AliasEventPublisher(
              producerConfig(config),
              config.topics().aliasEvents(),
              config.serdes().serde(AliasEvent.class).serializer());
      // Closed before the embedded database (owned things close last first).
      this.owned.add(publisher);
      events = publisher;
    }
    this.outbox = new AliasEventOutbox(db, aliases, events);
    VersionService versionService =
        new VersionService(db, versions, receipts, aliases, audit, artifactRoot);
    AliasService aliasService =
        new AliasService(db, versionService, aliases, audit, config.aliasPolicies(), outbox);
    ModelService modelService =
        new ModelService(db, versions, new JdbcModelTagDao(db), aliasService, audit);
    PurgeService purge =
        new PurgeService(
            db, versionService, versions, aliases, aliasService, audit, artifactRoot, clock);
    RequestService requests = new RequestService(db, versions, receipts);
    IngestService ingest =
        new IngestService(
            db,
            versions,
            receipts,
            audit,
            new ArtifactVerifier(artifactRoot, config.artifactReadTimeout()),
            metrics,
            aliasService);
    CalibrationService calibrations =
        new CalibrationService(db, new JdbcCalibrationDao(db), audit, metrics, json);
    DeadLetterService deadLetters =
        new DeadLetterService(db, new JdbcDeadLetterDao(db), audit, metrics);
    this.certificates =
        new CertificateService(
            db,
            requests,
            versionService,
            aliasService,
            new JdbcCertificateDao(db),
            new JdbcKeyringDao(db),
            audit,
            Secrets.signer(config),
            json,
            clock);
    this.keeper =
        new ErasureKeeper(
            aliasService,
            purge,
            outbox,
            versions,
            config.purgeDeadline(),
            config.purgeCheckInterval());
    metrics.servingErasedData(keeper::servingErasedData);

    RegistrationSink registrationSink = RegistrationSink.NONE;
    if (config.bootstrapServers() != null) {
      RegistrationRequestPublisher publisher =
          new RegistrationRequestPublisher(
              producerConfig(config),
              config.topics().registrationRequests(),
              config.serdes().serde(RegistrationRequest.class).serializer());
      this.owned.add(publisher);
      registrationSink = publisher;
    }
    RegistrationService registrations =
        new RegistrationService(new JdbcRegistrationDao(db), audit, registrationSink, json, clock);
    this.registrationOutcomes =
        config.bootstrapServers() == null
            ? null
            : new RegistrationOutcomeConsumer(
                kafkaConfig(config),
                config.topics().registrationOutcomes(),
                config.serdes().serde(RegistrationOutcome.class).deserializer(),
                registrations);

    this.adminToken = Secrets.adminToken(config);
    this.consumer =
        config.bootstrapServers() == null
            ? null
            : new RegistryConsumer(
                kafkaConfig(config),
                config.topics().modelVersions(),
                config.serdes().serde(ModelVersion.class).deserializer(),
                config.topics().requestReceipts(),
                config.serdes().serde(RequestReceipt.class).deserializer(),
                config.topics().calibrations(),
                config.serdes().serde(CalibrationReport.class).deserializer(),
                calibrations,
                ingest,
                deadLetters,
                metrics,
                clock);
    this.http =
        HttpServer.create(
            Routes.all(
                new ModelController(versionService, modelService, purge),
                new AliasController(aliasService, json),
                new RequestController(requests, certificates),
                new AuditController(new AuditService(db, audit)),
                new DeadLetterController(deadLetters),
                new RegistrationController(registrations),
                new CalibrationController(calibrations),
                new SystemController(meters, this::health)),
            json,
            adminToken);
  }

  /** Starts the registry as {@code config} says; see the class comment. */
  public static ModelRegistryApp start(RegistryConfig config) {
    log.info("Starting the model registry: {}", config);
    EmbeddedDatabase embedded = null;
    try {
      DataSource dataSource;
      if (config.jdbcUrl() == null) {
        embedded = EmbeddedDatabase.start(config.effectiveEmbeddedDataDir());
        dataSource = embedded.dataSource();
      } else {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(config.jdbcUrl());
        if (config.jdbcUser() != null) {
          pg.setUser(config.jdbcUser());
        }
        if (config.jdbcPassword() != null) {
          pg.setPassword(config.jdbcPassword());
        }
        // Bounded, so that an unreachable database is one clear line within seconds, not a hang.
        if (!config.jdbcUrl().contains("connectTimeout=")) {
          pg.setConnectTimeout((int) CONNECT_TIMEOUT.toSeconds());
        }
        if (!config.jdbcUrl().contains("loginTimeout=")) {
          pg.setLoginTimeout((int) CONNECT_TIMEOUT.toSeconds());
        }
        dataSource = pg;
        checkReachable(dataSource);
      }
      Migrations.migrate(dataSource);
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ModelRegistryApp app =
          embedded == null
              ? new ModelRegistryApp(config, dataSource, meters, Clock.systemUTC())
              : new ModelRegistryApp(config, dataSource, meters, Clock.systemUTC(), embedded);
      try {
        app.run();
      } catch (RuntimeException e) {
        app.close();
        throw e;
      }
      return app;
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** How long the registry waits for an external database to accept a connection. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Opens one connection, or throws {@link DatabaseUnreachableException} naming the database's
   * address (never its password) and why, so that a wrong URL or a stopped server is one line.
   */
  static void checkReachable(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      log.info("Database at {} reached", DatabaseAddress.of(dataSource));
    } catch (SQLException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String state = e.getSQLState();
      String why =
          " (" + (state == null ? "" : state + ", ") + root.getClass().getSimpleName() + ")";
      String address = DatabaseAddress.of(dataSource);
      // Class 08 is the connection itself; anything else (a login refused, no such database) is
      // the server answering no.
      throw new DatabaseUnreachableException(
          state == null || state.startsWith("08")
              ? "cannot reach the database at "
                  + address
                  + " within "
                  + CONNECT_TIMEOUT.toSeconds()
                  + " s"
                  + why
              : "the database at " + address + " refused the connection" + why);
    }
  }

  /** Binds JVM meters, starts the consumer (if configured), health probes and the HTTP server. */
  public ModelRegistryApp run() {
    new ClassLoaderMetrics().bindTo(meters);
    new JvmMemoryMetrics().bindTo(meters);
    gcMetrics.bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    certificates.registerKey();
    keeper.start();
    health =
        new RegistryHealth(
            db.dataSource(),
            DatabaseAddress.of(db.dataSource()),
            consumer == null ? null : config.bootstrapServers(),
            clientConfig(config),
            consumer);
    if (consumer != null) {
      consumer.start();
      registrationOutcomes.start();
    } else {
      log.warn("No Kafka bootstrap servers configured: the registry serves its database only");
    }
    http.start(config.httpHost(), config.httpPort());
    log.info(
        "Model registry listening on {}:{} (reach it at {})",
        config.httpHost(),
        httpPort(),
        baseUrl());
    return this;
  }

  public int httpPort() {
    return http.port();
  }

  /**
   * {@code http://HOST:PORT}: the configured host, or 127.0.0.1 when it is a wildcard (a wildcard
   * binds every interface, loopback included).
   */
  public String baseUrl() {
    String host = config.httpHost();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + httpPort();
  }

  /** The bearer token mutating endpoints require (generated when none was configured). */
  public String adminToken() {
    return adminToken;
  }

  public RegistryConfig config() {
    return config;
  }

  private Map<String, Object> health() {
    RegistryHealth current = health;
    return current == null ? Map.of("status", "DOWN", "reason", "starting") : current.report();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (consumer != null) {
      consumer.close();
    }
    if (registrationOutcomes != null) {
      registrationOutcomes.close();
    }
    keeper.close();
    outbox.close();
    if (health != null) {
      health.close();
    }
    try {
      http.stop();
    } catch (RuntimeException e) {
      log.warn("HTTP server did not stop cleanly: {}", e.toString());
    }
    gcMetrics.close();
    meters.close();
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        log.warn("{} did not close cleanly: {}", owned.get(i), e.toString());
      }
    }
    log.info("Model registry stopped");
  }

  /** The consumer's connection settings (security and the like) with the bootstrap servers. */
  private static Map<String, Object> producerConfig(RegistryConfig config) {
    Map<String, Object> kafka = clientConfig(config);
    kafka.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "lethe-model-registry-alias-events");
    return kafka;
  }

  /** The consumer's settings that any client takes (security and the like), with the servers. */
  private static Map<String, Object> clientConfig(RegistryConfig config) {
    Map<String, Object> kafka = new HashMap<>(config.consumerProperties());
    kafka
        .keySet()
        .removeIf(
            k ->
                k.startsWith("group.")
                    || k.equals("isolation.level")
                    || k.startsWith("auto.")
                    || k.startsWith("enable.auto")
                    || k.startsWith("max.poll"));
    if (config.bootstrapServers() != null) {
      kafka.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    }
    return kafka;
  }

  private static Map<String, Object> kafkaConfig(RegistryConfig config) {
    Map<String, Object> kafka = new HashMap<>(config.consumerProperties());
    kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    kafka.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroupId());
    kafka.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "lethe-model-registry");
    return kafka;
  }
}
