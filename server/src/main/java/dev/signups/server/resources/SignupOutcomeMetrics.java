package dev.signups.server.resources;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.Map;

/**
 * Counts the answers to {@code POST /signups} as {@code signups_requests_total}, by outcome: {@code
 * accepted}, or why not ({@code invalid}, {@code malformed}, {@code too_large}, {@code
 * rate_limited}, {@code unavailable}, {@code other}).
 */
public final class SignupOutcomeMetrics implements ContainerResponseFilter {

  private static final Map<Integer, String> OUTCOMES =
      Map.of(
          202, "accepted",
          422, "invalid",
          400, "malformed",
          413, "too_large",
          429, "rate_limited",
          503, "unavailable");

  private final MeterRegistry meters;

  public SignupOutcomeMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if ("POST".equals(request.getMethod())
        && "signups".equals(request.getUriInfo().getPath().replaceAll("^/|/$", ""))) {
      Counter.builder("signups.requests")
          .description("Answers to POST /signups, by outcome")
          .tag("outcome", OUTCOMES.getOrDefault(response.getStatus(), "other"))
          .register(meters)
          .increment();
    }
  }
}
