package dev.signups.server.resources;

import dev.signups.server.api.BounceReport;
import dev.signups.server.api.SignupAccepted;
import dev.signups.server.core.Suppressions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Takes the bounces and complaints mail providers report, served on the admin port only, under
 * {@code /bounces}: a hard bounce or a complaint suppresses the address, a soft bounce is recorded.
 */
@Path("/")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class BounceResource {

  private final Suppressions suppressions;

  public BounceResource(Suppressions suppressions) {
    this.suppressions = suppressions;
  }

  /** Records {@code report} on the signup of its address; 202 once Temporal has it. */
  @POST
  public Response report(@NotNull @Valid BounceReport report) {
    suppressions.bounce(report.address(), report.bounce());
    return Response.accepted(SignupAccepted.ACCEPTED).build();
  }
}
