package dev.signups.server.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.mail.RetryDelays;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import io.temporal.activity.ActivityOptions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * The timeouts and retry policy of one activity type, as declared in configuration, and the one
 * place they become {@link ActivityOptions}. Workflow code holds no timeout or retry literal: these
 * options reach it through worker registration.
 */
@SelfValidating
public class ActivityOptionsFactory {

  /**
   * Longest a single attempt may run before Temporal times it out and retries. Default 30s; greater
   * than zero and not longer than {@code scheduleToCloseTimeout}.
   */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration startToCloseTimeout = Duration.seconds(30);

  /**
   * Longest the activity may take over all its attempts and the waits between them; when it runs
   * out, no further attempt is made. Default 24h; greater than zero.
   */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration scheduleToCloseTimeout = Duration.hours(24);

  /** The retry policy; see {@link RetryPolicyFactory} for its defaults. */
  @Valid @NotNull @JsonProperty private RetryPolicyFactory retry = new RetryPolicyFactory();

  public Duration getStartToCloseTimeout() {
    return startToCloseTimeout;
  }

  /** How the activity spreads its retries and slows down when asked. */
  public RetryDelays delays() {
    return retry.delays();
  }

  public ActivityOptions build() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToCloseTimeout.toJavaDuration())
        .setScheduleToCloseTimeout(scheduleToCloseTimeout.toJavaDuration())
        .setRetryOptions(retry.build())
        .build();
  }

  @SelfValidation
  public void validateAttemptFitsTheWhole(ViolationCollector violations) {
    if (startToCloseTimeout != null
        && scheduleToCloseTimeout != null
        && startToCloseTimeout.compareTo(scheduleToCloseTimeout) > 0) {
      violations.addViolation(
          "startToCloseTimeout",
          "must not be longer than scheduleToCloseTimeout (" + scheduleToCloseTimeout + ")");
    }
  }
}
