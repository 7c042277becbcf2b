package dev.signups.server.limits;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * How many signups the API starts per client and per recipient domain. Limits are kept in each API
 * process: behind a load balancer spreading clients over N instances, a client may start up to N
 * times the limit.
 */
public class RateLimitsFactory {

  /**
   * The request header naming the client's address when the API sits behind a trusted proxy or load
   * balancer, such as {@code X-Forwarded-For}; its last value, the one the proxy added, is the
   * client. Empty (the default) uses the connection's address. Never set it when clients reach the
   * API directly: they could then name any address.
   */
  @Pattern(regexp = "[A-Za-z0-9-]*", message = "must be a header name such as X-Forwarded-For")
  @JsonProperty
  private String clientAddressHeader = "";

  /** Signups one client may start. Default 20 per minute. */
  @Valid @NotNull @JsonProperty private LimitFactory perClient = new LimitFactory(20);

  /** Signups for addresses of one domain. Default 300 per minute. */
  @Valid @NotNull @JsonProperty private LimitFactory perDomain = new LimitFactory(300);

  public RateLimits build() {
    return new RateLimits(
        perClient.limit(),
        perDomain.limit(),
        clientAddressHeader == null ? "" : clientAddressHeader);
  }

  /** One limit: {@code requests} per {@code per}, refilled evenly. */
  public static class LimitFactory {

    /** The most signups in one period, and the largest burst. At least 1. */
    @Min(1)
    @JsonProperty
    private long requests;

    /** The period. Default 1m; greater than zero. */
    @NotNull
    @MinDuration(value = 0, inclusive = false)
    @JsonProperty
    private Duration per = Duration.minutes(1);

    LimitFactory() {}

    LimitFactory(long requests) {
      this.requests = requests;
    }

    RateLimits.Limit limit() {
      return new RateLimits.Limit(requests, per.toJavaDuration());
    }
  }
}
