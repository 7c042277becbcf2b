package dev.signups.server.resources;

import dev.signups.server.api.SignupAccepted;
import dev.signups.server.api.SignupRequest;
import dev.signups.server.core.SignupCommands;
import dev.signups.server.limits.RateLimits;
import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Takes signups: the JSON endpoint of the public port. */
@Path("/signups")
@Produces(MediaType.APPLICATION_JSON)
public class SignupResource {

  private static final int TOO_MANY_REQUESTS = 429;

  private final SignupCommands commands;
  private final RateLimits limits;

  public SignupResource(SignupCommands commands, RateLimits limits) {
    this.commands = commands;
    this.limits = limits;
  }

  /**
   * Starts the signup of an address, or passes the request to the signup already running for it.
   * Every request gets the same answer, 202 with no id, so that nobody learns from it whether an
   * address is known; a client or a recipient domain over its rate limit gets 429, whatever the
   * address.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(@NotNull @Valid SignupRequest request, @Context HttpServletRequest http) {
    return limits
        .acquire(http, request.email())
        .map(SignupResource::tooManyRequests)
        .orElseGet(
            () -> {
              commands.start(request.email(), request.name());
              return Response.accepted(SignupAccepted.ACCEPTED).build();
            });
  }

  /** The answer to a request over a rate limit: 429, with when to try again. */
  public static Response tooManyRequests(RateLimits.Refusal refusal) {
    return Response.status(TOO_MANY_REQUESTS)
        .header("Retry-After", refusal.retryAfterSeconds())
        .entity(new ErrorMessage(TOO_MANY_REQUESTS, refusal.message()))
        .build();
  }
}
