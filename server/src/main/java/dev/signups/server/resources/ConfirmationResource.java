package dev.signups.server.resources;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.server.confirm.ConfirmationOutcome;
import dev.signups.server.core.SignupCommands;
import dev.signups.server.core.TemporalUnavailableException;
import dev.signups.workflows.SignupStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pages behind the links in the emails: plain HTML rendered on the server, with no script and
 * no redirect. Opening a link changes nothing: its page asks the visitor to press a button, and
 * only that button's {@code POST} confirms, so mail scanners that open every link confirm nobody.
 */
@Path("/signups/confirm")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class ConfirmationResource {

  private static final Logger log = LoggerFactory.getLogger(ConfirmationResource.class);

  private final SignupCommands commands;
  private final boolean oneClick;
  private final MeterRegistry meters;

  /**
   * @param oneClick whether opening a link confirms at once, without the button: convenient, but
   *     every mail scanner that opens links then confirms the signups it sees
   * @param meters counts confirmations by outcome, as {@code signups_confirmations_total}
   */
  public ConfirmationResource(SignupCommands commands, boolean oneClick, MeterRegistry meters) {
    this.commands = commands;
    this.oneClick = oneClick;
    this.meters = meters;
  }

  /**
   * The page of the link: a "Confirm my address" button, or why the link no longer works. Confirms
   * at once only when one-click confirmation is configured.
   */
  @GET
  public Response open(@QueryParam("token") String token) {
    return oneClick ? confirm(token) : ask(token);
  }

  /** The head of the link's page, which never confirms, whatever the configuration. */
  @HEAD
  public Response head(@QueryParam("token") String token) {
    return ask(token);
  }

  /** Confirms the signup the link belongs to, and says how that went. */
  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response confirm(@FormParam("token") String token) {
    return unlessUnavailable(
        () -> {
          ConfirmationOutcome outcome = commands.confirm(token);
          count(outcome.name());
          return page(outcome, token);
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
      return ConfirmationPage.INVALID.response();
    }
    return unlessUnavailable(
        () -> {
          Optional<SignupStatus> status =
              commands.restart(claim.get().signupId(), SignupStatus.EXPIRED);
          return switch (status.orElse(SignupStatus.DELIVERY_FAILED)) {
            case EXPIRED -> ConfirmationPage.RENEWED.response();
            case CONFIRMED -> ConfirmationPage.ALREADY_CONFIRMED.response();
            case SENDING, AWAITING_CONFIRMATION -> ConfirmationPage.NEWER_LINK.response();
            case DELIVERY_FAILED, SENT, SUPPRESSED -> ConfirmationPage.INVALID.response();
          };
        });
  }

  /** The button page for a link that may confirm, or why it cannot; asks no one. */
  private Response ask(String token) {
    return commands
        .checkLink(token)
        .map(outcome -> page(outcome, token))
        .orElseGet(() -> ConfirmationPage.CONFIRM.response(token));
  }

  private static Response page(ConfirmationOutcome outcome, String token) {
    return switch (outcome) {
      case CONFIRMED -> ConfirmationPage.CONFIRMED.response();
      case ALREADY_CONFIRMED -> ConfirmationPage.ALREADY_CONFIRMED.response();
      case EXPIRED -> ConfirmationPage.EXPIRED.response(token);
      case INVALID -> ConfirmationPage.INVALID.response();
    };
  }

  /** The page {@code page} renders, or a page asking to come back when Temporal is unreachable. */
  private Response unlessUnavailable(Supplier<Response> page) {
    try {
      return page.get();
    } catch (TemporalUnavailableException e) {
      log.warn("{}: {}", e.getMessage(), e.getCause().getMessage());
      return ConfirmationPage.UNAVAILABLE.response();
    }
  }

  private void count(String outcome) {
    Counter.builder("signups.confirmations")
        .description("Confirmations by outcome: the button pressed, or one-click links opened")
        .tag("outcome", outcome.toLowerCase(Locale.ROOT))
        .register(meters)
        .increment();
  }
}
