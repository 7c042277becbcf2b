package dev.signups.server.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.EmailFailure;
import dev.signups.activities.mail.RetryDelays;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import io.temporal.common.RetryOptions;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The retry policy of one activity type, as declared in configuration. The delay before attempt
 * {@code n + 1} is {@code initialInterval * backoffCoefficient^(n - 1)}, capped at {@code
 * maximumInterval}.
 */
@SelfValidating
public class RetryPolicyFactory {

  /** Delay before the first retry. Default 2s; greater than zero. */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration initialInterval = Duration.seconds(2);

  /** Factor by which each delay grows over the previous one. Default 2.0; at least 1. */
  @DecimalMin("1.0")
  @JsonProperty
  private double backoffCoefficient = 2.0;

  /** Cap on the delay between attempts. Default 10m; not shorter than {@code initialInterval}. */
  @NotNull @JsonProperty private Duration maximumInterval = Duration.minutes(10);

  /**
   * Upper bound on attempts, the first included. Default 0, which leaves the activity's {@code
   * scheduleToCloseTimeout} as the only bound.
   */
  @Min(0)
  @JsonProperty
  private int maximumAttempts = 0;

  /**
   * How much the wait before each retry is spread at random around the backoff, as a fraction of
   * it, either way, so that emails that failed together (an outage) do not come back together.
   * Default 0.2; from 0 (none) to 1.
   */
  @DecimalMin("0.0")
  @DecimalMax("1.0")
  @JsonProperty
  private double jitter = 0.2;

  /**
   * The shortest wait after a reply that asks the sender to slow down (421, 450), whatever the
   * backoff says. Default 1m; {@code 0s} for none.
   */
  @NotNull @JsonProperty private Duration slowDownAtLeast = Duration.minutes(1);

  /** Failure types never retried, whatever their origin. Default: the permanent email failures. */
  @NotNull @JsonProperty
  private List<@NotBlank String> nonRetryableErrors =
      List.of(EmailFailure.PermanentEmailFailure.name(), EmailFailure.InvalidEmailRequest.name());

  public RetryOptions build() {
    return RetryOptions.newBuilder()
        .setInitialInterval(initialInterval.toJavaDuration())
        .setBackoffCoefficient(backoffCoefficient)
        .setMaximumInterval(maximumInterval.toJavaDuration())
        .setMaximumAttempts(maximumAttempts)
        .setDoNotRetry(nonRetryableErrors.toArray(String[]::new))
        .build();
  }

  /** How the activity spreads its retries and slows down when asked, under this policy. */
  public RetryDelays delays() {
    return new RetryDelays(jitter, slowDownAtLeast.toJavaDuration());
  }

  @SelfValidation
  public void validateIntervals(ViolationCollector violations) {
    if (initialInterval != null
        && maximumInterval != null
        && maximumInterval.compareTo(initialInterval) < 0) {
      violations.addViolation(
          "maximumInterval", "must not be shorter than initialInterval (" + initialInterval + ")");
    }
  }
}
