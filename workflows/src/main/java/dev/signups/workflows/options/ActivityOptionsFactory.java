package dev.signups.workflows.options;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.temporal.activity.ActivityOptions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The timeouts and retry policy of one activity type, as declared in configuration, and the one
 * place they become {@link ActivityOptions}. Workflow code holds no timeout or retry literal: these
 * options reach it through worker registration.
 */
@CrossChecked
public class ActivityOptionsFactory implements CrossChecked.Checkable {

  /**
   * Longest a single attempt may run before Temporal times it out and retries. Default 30s; greater
   * than zero and not longer than {@code scheduleToCloseTimeout}.
   */
  @NotNull
  @JsonProperty
  @JsonDeserialize(using = ConfigDuration.class)
  private Duration startToCloseTimeout = Duration.ofSeconds(30);

  /**
   * Longest the activity may take over all its attempts and the waits between them; when it runs
   * out, no further attempt is made. Default 24h; greater than zero.
   */
  @NotNull
  @JsonProperty
  @JsonDeserialize(using = ConfigDuration.class)
  private Duration scheduleToCloseTimeout = Duration.ofHours(24);

  /** The retry policy; see {@link RetryPolicyFactory} for its defaults. */
  @Valid @NotNull @JsonProperty private RetryPolicyFactory retry = new RetryPolicyFactory();

  public Duration getStartToCloseTimeout() {
    return startToCloseTimeout;
  }

  public ActivityOptions build() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToCloseTimeout)
        .setScheduleToCloseTimeout(scheduleToCloseTimeout)
        .setRetryOptions(retry.build())
        .build();
  }

  @Override
  public Map<String, String> crossFieldViolations() {
    Map<String, String> violations = new LinkedHashMap<>();
    if (startToCloseTimeout != null && startToCloseTimeout.isZero()) {
      violations.put("startToCloseTimeout", "must be greater than zero");
    }
    if (scheduleToCloseTimeout != null && scheduleToCloseTimeout.isZero()) {
      violations.put("scheduleToCloseTimeout", "must be greater than zero");
    }
    if (startToCloseTimeout != null
        && scheduleToCloseTimeout != null
        && startToCloseTimeout.compareTo(scheduleToCloseTimeout) > 0) {
      violations.put(
          "startToCloseTimeout",
          "must not be longer than scheduleToCloseTimeout ("
              + ConfigDuration.format(scheduleToCloseTimeout)
              + ")");
    }
    return violations;
  }
}
