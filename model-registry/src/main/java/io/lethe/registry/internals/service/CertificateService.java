package io.lethe.registry.internals.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.registry.internals.cert.CanonicalJson;
import io.lethe.registry.internals.cert.Ed25519Signer;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.VersionRow;
import io.lethe.registry.internals.service.Views.ModelExclusion;
import io.lethe.registry.internals.service.Views.RequestView;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Deletion certificates: a document naming a request, the model, the first version that excludes
 * the request's data, that version's artifact hash and verification metrics, and when, signed with
 * the registry's Ed25519 key over its canonical JSON bytes.
 */
public final class CertificateService {
  public static final String TYPE = "lethe.deletion-certificate/v1";
  public static final String ISSUER = "lethe-model-registry";

  /** The outcome of checking a certificate. */
  public record Verification(boolean valid, String reason, String keyId) {}

  private final RegistryService registry;
  private final Ed25519Signer signer;
  private final ObjectMapper json;
  private final Clock clock;

  public CertificateService(
      RegistryService registry, Ed25519Signer signer, ObjectMapper json, Clock clock) {
    this.registry = registry;
    this.signer = signer;
    this.json = json;
    this.clock = clock;
  }

  public String keyId() {
    return signer.keyId();
  }

  public String publicKey() {
    return signer.publicKeyBase64();
  }

  /**
   * Issues the certificate of {@code requestId} on {@code modelId} (which may be null when the
   * request concerns one model only).
   */
  public ObjectNode issue(String requestId, String modelId, String actor) {
    RequestView request = registry.request(requestId);
    List<ModelExclusion> applied =
        request.models().stream().filter(m -> m.firstExcludingVersion() != null).toList();
    ModelExclusion exclusion;
    if (modelId == null || modelId.isBlank()) {
      if (applied.isEmpty()) {
        throw RegistryException.conflict(
            "request " + requestId + " has not been applied to any model yet");
      }
      if (applied.size() > 1) {
        throw RegistryException.invalid(
            "request "
                + requestId
                + " was applied to several models; name one with modelId: "
                + applied.stream().map(ModelExclusion::modelId).toList());
      }
      exclusion = applied.get(0);
    } else {
      exclusion =
          applied.stream()
              .filter(m -> m.modelId().equals(modelId))
              .findFirst()
              .orElseThrow(
                  () ->
                      RegistryException.conflict(
                          "request " + requestId + " has not been applied to model " + modelId));
    }
    if (!exclusion.versionIngested()) {
      throw RegistryException.conflict(
          "version "
              + exclusion.firstExcludingVersion()
              + " of "
              + exclusion.modelId()
              + " is not in the registry yet");
    }
    VersionRow v = registry.findVersion(exclusion.modelId(), exclusion.firstExcludingVersion());

    ObjectNode cert = json.createObjectNode();
    cert.put("type", TYPE);
    cert.put("issuer", ISSUER);
    cert.put("keyId", signer.keyId());
    cert.put("requestId", requestId);
    cert.put("modelId", v.modelId());
    cert.put("version", v.version());
    if (v.parentVersion() == null) {
      cert.putNull("parentVersion");
    } else {
      cert.put("parentVersion", v.parentVersion());
    }
    cert.put("batchId", v.batchId());
    ObjectNode artifact = cert.putObject("artifact");
    artifact.put("sha256", v.artifactSha256());
    artifact.put("sizeBytes", v.artifactSizeBytes());
    artifact.put("verifiedAtIngest", v.artifactVerified());
    ObjectNode verification = cert.putObject("verification");
    verification.put("status", v.status());
    verification.put("method", v.method());
    verification.set("metrics", json.valueToTree(v.metrics()));
    cert.put("appliedAt", String.valueOf(exclusion.appliedAt()));
    cert.put("versionCreatedAt", v.createdAt().toString());
    cert.put("issuedAt", clock.instant().toString());

    byte[] signature = signer.sign(CanonicalJson.bytes(cert));
    ObjectNode document = json.createObjectNode();
    document.set("certificate", cert);
    document.put("algorithm", Ed25519Signer.ALGORITHM);
    document.put("publicKey", signer.publicKeyBase64());
    document.put("signature", Base64.getEncoder().encodeToString(signature));
    registry.appendAudit(
        AuditEntry.of(
            actor,
            "certificate.issued",
            v.modelId(),
            v.version(),
            requestId,
            Map.of("keyId", signer.keyId(), "signature", document.get("signature").asText())));
    return document;
  }

  /**
   * Checks a certificate document against this registry's key. A malformed document is invalid
   * input; a well-formed one that does not verify is reported as not valid, with the reason.
   */
  public Verification verify(JsonNode document) {
    if (document == null || !document.isObject()) {
      throw RegistryException.invalid("expected a certificate document (a JSON object)");
    }
    JsonNode cert = document.get("certificate");
    JsonNode sig = document.get("signature");
    if (cert == null || !cert.isObject() || sig == null || !sig.isTextual()) {
      throw RegistryException.invalid(
          "a certificate document has a 'certificate' object and a 'signature' string");
    }
    JsonNode algorithm = document.get("algorithm");
    if (algorithm != null && !Ed25519Signer.ALGORITHM.equals(algorithm.asText())) {
      return new Verification(false, "unsupported algorithm " + algorithm.asText(), keyId());
    }
    String claimedKey = cert.path("keyId").asText("");
    if (!claimedKey.equals(signer.keyId())) {
      return new Verification(
          false,
          "signed with key '" + claimedKey + "', not this registry's key " + signer.keyId(),
          keyId());
    }
    if (!TYPE.equals(cert.path("type").asText())) {
      return new Verification(false, "not a " + TYPE + " document", keyId());
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(sig.asText());
    } catch (IllegalArgumentException e) {
      return new Verification(false, "signature is not base64", keyId());
    }
    boolean ok = signer.verify(CanonicalJson.bytes(cert), signature);
    return new Verification(
        ok, ok ? "signature valid" : "signature does not match the certificate", keyId());
  }
}
