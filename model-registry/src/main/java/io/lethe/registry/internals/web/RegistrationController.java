package io.lethe.registry.internals.web;

import io.javalin.http.Context;
import io.lethe.registry.internals.service.RegistrationService;
import io.lethe.registry.internals.service.RegistrationView;
import java.util.Arrays;
import java.util.List;

/** HTTP I/O for registrations through the REST API: submit one, see its outcome. */
public final class RegistrationController {
  private final RegistrationService registrations;

  public RegistrationController(RegistrationService registrations) {
    this.registrations = registrations;
  }

  /** The body is the catalog file as `lethe models register` reads it; {@code ?model=a,b}. */
  void submit(Context ctx) {
    List<String> models =
        ctx.queryParams("model").stream()
            .flatMap(v -> Arrays.stream(v.split(",")))
            .map(String::strip)
            .filter(v -> !v.isEmpty())
            .toList();
    RegistrationView view = registrations.submit(Params.bodyText(ctx), models, Params.actor(ctx));
    ctx.status(202).header("Location", "/api/registrations/" + view.registrationId()).json(view);
  }

  void getRegistration(Context ctx) {
    ctx.json(registrations.find(ctx.pathParam("registrationId")));
  }
}
