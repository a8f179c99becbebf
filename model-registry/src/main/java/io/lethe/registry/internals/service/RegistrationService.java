package io.lethe.registry.internals.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.avro.RegistrationOutcome;
import io.lethe.avro.RegistrationRequest;
import io.lethe.avro.RegistrationStatus;
import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.RegistrationDao;
import io.lethe.registry.internals.db.RegistrationRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registrations through the REST API, for CI/CD pipelines. The registry cannot validate a catalog
 * (it has no engine): it records the request as pending, publishes it for a processor to validate
 * exactly as {@code lethe models register} does, and shows the outcome the processor publishes.
 */
public final class RegistrationService {
  private static final Logger log = LoggerFactory.getLogger(RegistrationService.class);
  private static final String MODEL_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";
  private static final int MAX_MODELS = 100;

  private final RegistrationDao registrations;
  private final AuditDao audit;
  private final RegistrationSink sink;
  private final ObjectMapper json;
  private final Clock clock;

  public RegistrationService(
      RegistrationDao registrations,
      AuditDao audit,
      RegistrationSink sink,
      ObjectMapper json,
      Clock clock) {
    this.registrations = registrations;
    this.audit = audit;
    this.sink = sink;
    this.json = json;
    this.clock = clock;
  }

  /** Records and publishes a registration of {@code catalog} (a catalog file's YAML text). */
  public RegistrationView submit(String catalog, List<String> modelIds, String actor) {
    if (catalog == null || catalog.isBlank()) {
      throw RegistryException.invalid(
          "the body must be a catalog file (YAML, docs/catalog.md), as `lethe models register`"
              + " reads it");
    }
    if (modelIds.size() > MAX_MODELS) {
      throw RegistryException.invalid("at most " + MAX_MODELS + " model ids");
    }
    for (String id : modelIds) {
      if (!id.matches(MODEL_ID_PATTERN)) {
        throw RegistryException.invalid(
            "a model id is 1-128 characters of [A-Za-z0-9._-], starting with a letter or digit");
      }
    }
    String id = UUID.randomUUID().toString();
    var now = clock.instant();
    String sha256 = sha256(catalog);
    registrations.insertPending(id, String.join(",", modelIds), actor, now, sha256);
    audit.append(
        AuditEntry.of(
            actor,
            "registration.requested",
            null,
            null,
            null,
            Checks.details(
                "registrationId", id, "catalogSha256", sha256, "modelIds", List.copyOf(modelIds))));
    try {
      sink.publish(
          RegistrationRequest.newBuilder()
              .setRegistrationId(id)
              .setCatalog(catalog)
              .setModelIds(List.copyOf(modelIds))
              .setRequestedBy(actor)
              .setRequestedAt(now)
              .build());
    } catch (RuntimeException e) {
      // Not left pending for ever: the caller sees why nothing will happen.
      registrations.recordOutcome(
          id,
          "REFUSED",
          "[]",
          write(List.of("the request could not be published for a processor: " + e.getMessage())),
          "registry",
          clock.instant());
      throw e;
    }
    log.info("Registration {} requested by {}", id, actor);
    return find(id);
  }

  public RegistrationView find(String registrationId) {
    return registrations
        .find(registrationId)
        .map(this::view)
        .orElseThrow(() -> RegistryException.notFound("no registration " + registrationId));
  }

  /** Completes a registration with the outcome a processor published. */
  public void ingest(RegistrationOutcome outcome) {
    if (outcome.getStatus() == RegistrationStatus.UNKNOWN) {
      log.warn("Ignored a registration outcome without a status");
      return;
    }
    List<RegistrationView.Model> models =
        outcome.getModels().stream()
            .map(m -> new RegistrationView.Model(m.getModelId(), m.getOutcome(), m.getGeneration()))
            .toList();
    boolean recorded =
        registrations.recordOutcome(
            outcome.getRegistrationId(),
            outcome.getStatus().name(),
            write(models),
            write(outcome.getProblems()),
            outcome.getDecidedBy(),
            outcome.getDecidedAt());
    if (recorded) {
      log.info(
          "Registration {} {} by {}",
          LogSafe.of(outcome.getRegistrationId()),
          outcome.getStatus(),
          LogSafe.of(outcome.getDecidedBy()));
    }
  }

  private RegistrationView view(RegistrationRow r) {
    return new RegistrationView(
        r.registrationId(),
        r.status().toLowerCase(Locale.ROOT),
        r.modelIds() == null || r.modelIds().isEmpty()
            ? List.of()
            : Arrays.asList(r.modelIds().split(",")),
        r.requestedBy(),
        r.requestedAt(),
        r.catalogSha256(),
        read(r.models(), new TypeReference<List<RegistrationView.Model>>() {}),
        read(r.problems(), new TypeReference<List<String>>() {}),
        r.decidedBy(),
        r.decidedAt());
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private <T> T read(String text, TypeReference<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored registration is not JSON", e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
