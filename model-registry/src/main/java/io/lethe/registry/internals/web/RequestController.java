package io.lethe.registry.internals.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.lethe.registry.internals.service.CertificateService;
import io.lethe.registry.internals.service.RegistryService;
import io.lethe.registry.internals.web.Dtos.RequestDto;
import java.util.Map;

/** HTTP I/O for deletion requests: receipts, the first excluding version, certificates. */
public final class RequestController {
  private final RegistryService registry;
  private final CertificateService certificates;
  private final ObjectMapper json;

  public RequestController(
      RegistryService registry, CertificateService certificates, ObjectMapper json) {
    this.registry = registry;
    this.certificates = certificates;
    this.json = json;
  }

  void getRequest(Context ctx) {
    ctx.json(RequestDto.of(registry.request(ctx.pathParam("requestId"))));
  }

  void certificate(Context ctx) {
    ctx.json(certificates.issue(ctx.pathParam("requestId"), ctx.queryParam("modelId"), "public"));
  }

  void verifyCertificate(Context ctx) {
    ctx.json(certificates.verify(Params.bodyTree(ctx, json)));
  }

  void publicKey(Context ctx) {
    ctx.json(
        Map.of(
            "algorithm",
            "Ed25519",
            "keyId",
            certificates.keyId(),
            "publicKey",
            certificates.publicKey(),
            "format",
            "X.509 SubjectPublicKeyInfo, base64"));
  }
}
