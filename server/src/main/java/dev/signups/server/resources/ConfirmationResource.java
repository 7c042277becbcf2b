package dev.signups.server.resources;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.server.core.SignupCommands;
import dev.signups.server.core.TemporalUnavailableException;
import dev.signups.workflows.SignupStatus;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pages behind the links in the emails: plain HTML rendered on the server, with no script and
 * no redirect.
 */
@Path("/signups/confirm")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class ConfirmationResource {

  private static final Logger log = LoggerFactory.getLogger(ConfirmationResource.class);

  private final SignupCommands commands;

  public ConfirmationResource(SignupCommands commands) {
    this.commands = commands;
  }

  /** Confirms the signup the link belongs to, and says how that went. */
  @GET
  public Response confirm(@QueryParam("token") String token) {
    return unlessUnavailable(
        () ->
            switch (commands.confirm(token)) {
              case CONFIRMED -> ConfirmationPage.CONFIRMED.response(null);
              case ALREADY_CONFIRMED -> ConfirmationPage.ALREADY_CONFIRMED.response(null);
              case EXPIRED -> ConfirmationPage.EXPIRED.response(token);
              case INVALID -> ConfirmationPage.INVALID.response(null);
            });
  }

  /**
   * Asks for a new link in place of the expired one whose token the form of the "expired" page
   * posts: an expired signup starts again with the same address; one that started again already
   * points to the newer link.
   */
  @POST
  @Path("renew")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response renew(@FormParam("token") String token) {
    Optional<ConfirmationClaim> claim = commands.verify(token);
    if (claim.isEmpty()) {
      return ConfirmationPage.INVALID.response(null);
    }
    return unlessUnavailable(
        () -> {
          Optional<SignupStatus> status =
              commands.restart(claim.get().signupId(), SignupStatus.EXPIRED);
          return switch (status.orElse(SignupStatus.DELIVERY_FAILED)) {
            case EXPIRED -> ConfirmationPage.RENEWED.response(null);
            case CONFIRMED -> ConfirmationPage.ALREADY_CONFIRMED.response(null);
            case SENDING, AWAITING_CONFIRMATION -> ConfirmationPage.NEWER_LINK.response(null);
            case DELIVERY_FAILED, SENT -> ConfirmationPage.INVALID.response(null);
          };
        });
  }

  /** The page {@code page} renders, or a page asking to come back when Temporal is unreachable. */
  private static Response unlessUnavailable(Supplier<Response> page) {
    try {
      return page.get();
    } catch (TemporalUnavailableException e) {
      log.warn("{}: {}", e.getMessage(), e.getCause().getMessage());
      return ConfirmationPage.UNAVAILABLE.response(null);
    }
  }
}
