package io.lethe.registry.internals.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.avro.ReceiptStatus;
import io.lethe.registry.internals.cert.CanonicalJson;
import io.lethe.registry.internals.cert.Ed25519Signer;
import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.CertificateDao;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.KeyringDao;
import io.lethe.registry.internals.db.Metrics;
import io.lethe.registry.internals.db.VersionRow;
import io.lethe.registry.internals.service.Views.ModelExclusion;
import io.lethe.registry.internals.service.Views.RequestView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Deletion certificates: a document naming a request, the model, what happened to the request's
 * data there (ERASED by a version, or NOT_PRESENT: never trained on), the evidence for it, and
 * which versions the model's aliases served, signed with the registry's Ed25519 key over its
 * canonical JSON bytes.
 *
 * <p>A certificate is issued once per (request, model) and stored: later requests get the very same
 * signed document, so reading certificates writes nothing. Every signing key's public half is kept
 * in the keyring, so certificates keep verifying after the key is rotated.
 */
public final class CertificateService {
  public static final String TYPE = "lethe.deletion-certificate/v1";
  public static final String ISSUER = "lethe-model-registry";

  /** The outcome of checking a certificate; {@code keyId} is the key it claims. */
  public record Verification(boolean valid, String reason, String keyId) {}

  private final Database db;
  private final RequestService requests;
  private final VersionService versions;
  private final AliasService aliases;
  private final CertificateDao issued;
  private final KeyringDao keyring;
  private final AuditDao audit;
  private final Ed25519Signer signer;
  private final ObjectMapper json;
  private final Clock clock;

  public CertificateService(
      Database db,
      RequestService requests,
      VersionService versions,
      AliasService aliases,
      CertificateDao issued,
      KeyringDao keyring,
      AuditDao audit,
      Ed25519Signer signer,
      ObjectMapper json,
      Clock clock) {
    this.db = db;
    this.requests = requests;
    this.versions = versions;
    this.aliases = aliases;
    this.issued = issued;
    this.keyring = keyring;
    this.audit = audit;
    this.signer = signer;
    this.json = json;
    this.clock = clock;
  }

  /** Puts the signing key's public half into the keyring; call once at start. */
  public void registerKey() {
    keyring.add(signer.keyId(), signer.publicKeyBase64());
  }

  public String keyId() {
    return signer.keyId();
  }

  public String publicKey() {
    return signer.publicKeyBase64();
  }

  /**
   * The certificate of {@code requestId} on {@code modelId} (which may be null when the request
   * concerns one model only), as first issued: the JSON text of the signed document.
   */
  public String issue(String requestId, String modelId, String actor) {
    RequestView request = requests.request(requestId);
    String model = chooseModel(request, modelId);
    Optional<String> stored = issued.find(requestId, model);
    if (stored.isPresent()) {
      return stored.get();
    }
    ObjectNode cert = certificate(request, model);
    byte[] signature = signer.sign(CanonicalJson.bytes(cert));
    ObjectNode document = json.createObjectNode();
    document.set("certificate", cert);
    document.put("algorithm", Ed25519Signer.ALGORITHM);
    document.put("publicKey", signer.publicKeyBase64());
    document.put("signature", Base64.getEncoder().encodeToString(signature));
    String text;
    try {
      text = json.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a certificate", e);
    }
    return db.inTransaction(
        () -> {
          if (issued.insert(requestId, model, signer.keyId(), text)) {
            audit.append(
                AuditEntry.of(
                    actor,
                    "certificate.issued",
                    model,
                    cert.path("version").isInt() ? cert.get("version").asInt() : null,
                    requestId,
                    Map.of(
                        "keyId", signer.keyId(),
                        "outcome", cert.get("outcome").asText(),
                        "signature", document.get("signature").asText())));
            return text;
          }
          // Issued concurrently: serve the one that was stored first.
          return issued.find(requestId, model).orElseThrow();
        });
  }

  private static String chooseModel(RequestView request, String modelId) {
    TreeSet<String> certifiable = new TreeSet<>();
    request.models().stream()
        .filter(m -> m.firstExcludingVersion() != null)
        .map(ModelExclusion::modelId)
        .forEach(certifiable::add);
    request.receipts().stream()
        .filter(r -> r.status() == ReceiptStatus.NOT_PRESENT && r.modelId() != null)
        .map(Views.ReceiptView::modelId)
        .forEach(certifiable::add);
    String id = request.requestId();
    if (modelId == null || modelId.isBlank()) {
      if (certifiable.isEmpty()) {
        throw RegistryException.conflict(
            "request " + id + " has not been applied to any model yet");
      }
      if (certifiable.size() > 1) {
        throw RegistryException.invalid(
            "request "
                + id
                + " was applied to several models; name one with modelId: "
                + new ArrayList<>(certifiable));
      }
      return certifiable.first();
    }
    if (!certifiable.contains(modelId)) {
      throw RegistryException.conflict(
          "request " + id + " has not been applied to model " + modelId);
    }
    return modelId;
  }

  private ObjectNode certificate(RequestView request, String modelId) {
    ObjectNode cert = json.createObjectNode();
    cert.put("type", TYPE);
    cert.put("issuer", ISSUER);
    cert.put("keyId", signer.keyId());
    cert.put("requestId", request.requestId());
    cert.put("modelId", modelId);
    Optional<ModelExclusion> exclusion =
        request.models().stream()
            .filter(m -> m.modelId().equals(modelId) && m.firstExcludingVersion() != null)
            .findFirst();
    if (exclusion.isPresent()) {
      erased(cert, exclusion.get());
    } else {
      notPresent(cert, request, modelId);
    }
    ObjectNode served = cert.putObject("aliasesAtIssue");
    aliases
        .snapshot(modelId)
        .forEach(
            (alias, version) -> {
              if (version == null) {
                served.putNull(alias);
              } else {
                served.put(alias, version);
              }
            });
    cert.put("issuedAt", clock.instant().toString());
    return cert;
  }

  private void erased(ObjectNode cert, ModelExclusion exclusion) {
    if (!exclusion.versionIngested()) {
      throw RegistryException.conflict(
          "version "
              + exclusion.firstExcludingVersion()
              + " of "
              + exclusion.modelId()
              + " is not in the registry yet");
    }
    VersionRow v = versions.find(exclusion.modelId(), exclusion.firstExcludingVersion());
    cert.put("outcome", "ERASED");
    cert.put("version", v.version());
    if (v.parentVersion() == null) {
      cert.putNull("parentVersion");
    } else {
      cert.put("parentVersion", v.parentVersion());
    }
    cert.put("batchId", v.batchId());
    cert.put(
        "claim",
        v.passed()
            ? "version "
                + v.version()
                + " was built without the request's data and passed"
                + " verification on a forget set of "
                + v.metrics().forgetSetSize()
                + " samples"
            : "version "
                + v.version()
                + " was built without the request's data; its forgetting"
                + " was not verified ("
                + v.status()
                + (v.applied() ? ": the checks had insufficient evidence either way" : "")
                + ")");
    ObjectNode artifact = cert.putObject("artifact");
    artifact.put("sha256", v.artifactSha256());
    artifact.put("sizeBytes", v.artifactSizeBytes());
    artifact.put("verifiedAtIngest", v.artifactVerified());
    ObjectNode verification = cert.putObject("verification");
    verification.put("status", v.status().name());
    verification.put("method", v.method());
    verification.set("metrics", json.valueToTree(v.metrics()));
    verification.set("evidence", evidence(v.metrics()));
    cert.put("appliedAt", String.valueOf(exclusion.appliedAt()));
    cert.put("versionCreatedAt", v.createdAt().toString());
  }

  /**
   * How strong the verification is: what was measured, on how many samples, the sampling error of
   * the forget accuracy (binomial standard error, sqrt(p(1-p)/n)), and, when they ran, how the
   * verdict was reached ({@code basis}), the per-example membership test's figures (reference
   * models, mean and worst score, fraction flagged, power), the drift guard's figures and why the
   * version was re-anchored. Versions stored before these existed get none of those keys.
   */
  private ObjectNode evidence(Metrics m) {
    ObjectNode e = json.createObjectNode();
    e.put("forgetSetSize", m.forgetSetSize());
    e.put("retainSetSize", m.retainSetSize());
    List<String> measured = new ArrayList<>();
    if (m.forgetAccuracy() != null) {
      measured.add("forgetAccuracy");
    }
    if (m.retainAccuracy() != null) {
      measured.add("retainAccuracy");
    }
    if (m.testAccuracy() != null) {
      measured.add("testAccuracy");
    }
    if (m.mia() != null) {
      measured.add("membershipInference");
    }
    if (m.avgGap() != null) {
      measured.add("gapToRetrainedOracle");
    }
    if (m.jsDivergence() != null) {
      measured.add("outputDivergenceToOracle");
    }
    if (m.parameterDistance() != null) {
      measured.add("parameterDistanceToOracle");
    }
    if (m.perExampleTested()) {
      measured.add("perExampleMembership");
    }
    e.set("measured", json.valueToTree(measured));
    if (m.evidence() != null) {
      // exact, sufficient, insufficient or failed: how the verdict on forgetting was reached.
      e.put("basis", m.evidence());
    }
    if (m.perExampleTested()) {
      ObjectNode perExample = e.putObject("perExample");
      perExample.put("referenceModels", m.perExampleReferenceModels());
      number(perExample, "meanScore", m.perExampleMeanScore());
      number(perExample, "worstScore", m.perExampleWorstScore());
      number(perExample, "flagged", m.perExampleFlagged());
      number(perExample, "power", m.perExamplePower());
    }
    if (m.driftMeasured()) {
      ObjectNode drift = e.putObject("drift");
      number(drift, "testDrop", m.driftTestDrop());
      number(drift, "earlierForgetAccuracy", m.driftEarlierForgetAccuracy());
      number(drift, "divergence", m.driftDivergence());
    }
    if (m.reanchorReason() != null) {
      e.put("reanchorReason", m.reanchorReason());
    }
    e.put("comparedWithRetrainedOracle", m.avgGap() != null);
    if (m.forgetAccuracy() != null && m.forgetSetSize() > 0) {
      double p = m.forgetAccuracy();
      e.put("forgetAccuracyStandardError", Math.sqrt(p * (1 - p) / m.forgetSetSize()));
    } else {
      e.putNull("forgetAccuracyStandardError");
    }
    if (m.forgetSetSize() == 0) {
      e.put("note", "the forget set was empty: nothing was measured on the erased data");
    }
    return e;
  }

  private static void number(ObjectNode node, String field, Double value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private void notPresent(ObjectNode cert, RequestView request, String modelId) {
    Views.ReceiptView receipt =
        request.receipts().stream()
            .filter(r -> r.status() == ReceiptStatus.NOT_PRESENT && modelId.equals(r.modelId()))
            .findFirst()
            .orElseThrow();
    cert.put("outcome", "NOT_PRESENT");
    cert.put(
        "claim",
        "model "
            + modelId
            + " was never trained on data this request names: nothing was erased, no version was"
            + " made, and no forgetting is claimed");
    cert.put("reason", receipt.reason());
    cert.put("checkedAt", String.valueOf(receipt.at()));
  }

  /**
   * Checks a certificate document (its JSON text) against the keyring. Text that is not JSON is
   * invalid input; well-formed JSON that does not verify, repeats a key or is not in a form this
   * registry produces is reported as not valid, with the reason.
   */
  public Verification verify(String text) {
    JsonNode document;
    try {
      document = json.readTree(text == null ? "" : text);
    } catch (JsonProcessingException e) {
      throw RegistryException.invalid("malformed JSON body");
    }
    if (document == null || !document.isObject()) {
      throw RegistryException.invalid("expected a certificate document (a JSON object)");
    }
    JsonNode cert = document.get("certificate");
    JsonNode sig = document.get("signature");
    if (cert == null || !cert.isObject() || sig == null || !sig.isTextual()) {
      throw RegistryException.invalid(
          "a certificate document has a 'certificate' object and a 'signature' string");
    }
    String claimedKey = cert.path("keyId").asText("");
    if (!claimedKey.matches("[0-9a-f]{1,64}")) {
      claimedKey = "(not a key id)";
    }
    try {
      document = CanonicalJson.parseStrict(text);
    } catch (CanonicalJson.NotCanonical e) {
      return new Verification(false, e.getMessage(), claimedKey);
    }
    cert = document.get("certificate");
    JsonNode algorithm = document.get("algorithm");
    if (algorithm != null && !Ed25519Signer.ALGORITHM.equals(algorithm.asText())) {
      return new Verification(false, "unsupported algorithm (only Ed25519)", claimedKey);
    }
    if (!TYPE.equals(cert.path("type").asText())) {
      return new Verification(false, "not a " + TYPE + " document", claimedKey);
    }
    Optional<String> publicKey =
        claimedKey.equals(signer.keyId())
            ? Optional.of(signer.publicKeyBase64())
            : keyring.publicKey(claimedKey);
    if (publicKey.isEmpty()) {
      return new Verification(
          false,
          "signed with key '" + claimedKey + "', which is not in this registry's keyring",
          claimedKey);
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(sig.asText());
    } catch (IllegalArgumentException e) {
      return new Verification(false, "signature is not base64", claimedKey);
    }
    boolean ok = Ed25519Signer.verify(publicKey.get(), CanonicalJson.bytes(cert), signature);
    String reason =
        !ok
            ? "signature does not match the certificate"
            : claimedKey.equals(signer.keyId())
                ? "signature valid"
                : "signature valid (key "
                    + claimedKey
                    + ", an earlier signing key of this registry)";
    return new Verification(ok, reason, claimedKey);
  }
}
