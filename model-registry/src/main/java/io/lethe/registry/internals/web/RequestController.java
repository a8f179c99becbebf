package io.lethe.registry.internals.web;

import io.javalin.http.Context;
import io.lethe.registry.internals.service.CertificateService;
import io.lethe.registry.internals.service.RequestService;
import io.lethe.registry.internals.web.Dtos.RequestDto;
import java.util.Map;

/** HTTP I/O for deletion requests: receipts, the first excluding version, certificates. */
public final class RequestController {
  private final RequestService registry;
  private final CertificateService certificates;

  public RequestController(RequestService requests, CertificateService certificates) {
    this.registry = requests;
    this.certificates = certificates;
  }

  void getRequest(Context ctx) {
    ctx.json(RequestDto.of(registry.request(ctx.pathParam("requestId"))));
  }

  void certificate(Context ctx) {
    // Served as stored at issue: the same signed text on every read.
    ctx.contentType("application/json")
        .result(
            certificates.issue(ctx.pathParam("requestId"), ctx.queryParam("modelId"), "public"));
  }

  void verifyCertificate(Context ctx) {
    // The raw text, not a parsed tree: a repeated key must be seen to be refused.
    ctx.json(certificates.verify(Params.bodyText(ctx)));
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
