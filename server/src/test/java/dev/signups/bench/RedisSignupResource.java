package dev.signups.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.server.api.SignupAccepted;
import dev.signups.server.api.SignupRequest;
import dev.signups.server.limits.RateLimits;
import dev.signups.server.resources.SignupResource;
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
import redis.clients.jedis.RedisClient;

/**
 * R's {@code POST /signups}: the application's {@code SignupResource} with {@code LPUSH} where it
 * calls Temporal. Same body type and validation, same rate limits, same answers.
 */
@Path("/signups")
@Produces(MediaType.APPLICATION_JSON)
public class RedisSignupResource {

  private final RedisClient redis;
  private final RateLimits limits;
  private final ObjectMapper json;

  public RedisSignupResource(RedisClient redis, RateLimits limits, ObjectMapper json) {
    this.redis = redis;
    this.limits = limits;
    this.json = json;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(@NotNull @Valid SignupRequest request, @Context HttpServletRequest http) {
    return limits
        .acquire(http, request.email())
        .map(SignupResource::tooManyRequests)
        .orElseGet(
            () -> {
              push(new RedisQueue.Item(request.email(), request.name()));
              return Response.accepted(SignupAccepted.ACCEPTED).build();
            });
  }

  private void push(RedisQueue.Item item) {
    try {
      redis.lpush(RedisQueue.KEY, json.writeValueAsString(item));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a signup as JSON", e);
    }
  }
}
