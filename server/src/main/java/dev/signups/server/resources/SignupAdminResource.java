package dev.signups.server.resources;

import dev.signups.server.api.SignupAccepted;
import dev.signups.server.api.SignupPage;
import dev.signups.server.api.SignupView;
import dev.signups.server.core.Signups;
import dev.signups.workflows.SignupStatus;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The operators' view of signups, served on the admin port only, under {@code /signups} (where
 * {@link dev.signups.server.SignupApplication#registerApis} mounts it): one signup's state, the
 * listing by status (the dead-letter view), the re-drive of a failed signup and the lifting of a
 * suppression.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class SignupAdminResource {

  private final Signups signups;

  public SignupAdminResource(Signups signups) {
    this.signups = signups;
  }

  /**
   * Re-drives a signup whose confirmation email could not be delivered: a new run, with the address
   * and name of the failed one, under the same id; the failed run stays in the history. 409 for a
   * signup that is not {@code DELIVERY_FAILED}.
   */
  @POST
  @Path("{id}/retry")
  public Response retry(@PathParam("id") String id) {
    SignupStatus status =
        signups
            .commands()
            .restart(id, SignupStatus.DELIVERY_FAILED)
            .orElseThrow(() -> new NotFoundException("No signup " + id));
    if (status != SignupStatus.DELIVERY_FAILED) {
      throw new ClientErrorException(
          "Signup " + id + " is " + status + "; only a DELIVERY_FAILED signup can be retried",
          Response.Status.CONFLICT);
    }
    return Response.accepted(SignupAccepted.ACCEPTED).build();
  }

  /**
   * Lifts the suppression of an address after a hard bounce or a complaint: the signup is where it
   * was before. 409 for a signup that is not {@code SUPPRESSED}.
   */
  @POST
  @Path("{id}/unsuppress")
  public Response unsuppress(@PathParam("id") String id) {
    SignupStatus status =
        signups
            .suppressions()
            .unsuppress(id)
            .orElseThrow(() -> new NotFoundException("No signup " + id));
    if (status != SignupStatus.SUPPRESSED) {
      throw new ClientErrorException(
          "Signup " + id + " is " + status + "; only a SUPPRESSED signup can be unsuppressed",
          Response.Status.CONFLICT);
    }
    return Response.accepted(SignupAccepted.ACCEPTED).build();
  }

  /**
   * Lists signups by status, newest first: {@code ?status=DELIVERY_FAILED} is the dead-letter view.
   */
  @GET
  public SignupPage list(
      @QueryParam("status") @NotNull SignupStatus status,
      @QueryParam("pageSize") @DefaultValue("20") @Min(1) @Max(100) int pageSize,
      @QueryParam("pageToken") String pageToken) {
    try {
      return signups.reads().list(status, pageSize, pageToken);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  @GET
  @Path("{id}")
  public SignupView get(@PathParam("id") String id) {
    return signups.reads().find(id).orElseThrow(() -> new NotFoundException("No signup " + id));
  }
}
