package dev.signups.workflows.options;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.signups.activities.EmailFailure;
import io.temporal.common.RetryOptions;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The retry policy of one activity type, as declared in configuration. The delay before attempt
 * {@code n + 1} is {@code initialInterval * backoffCoefficient^(n - 1)}, capped at {@code
 * maximumInterval}.
 */
@CrossChecked
public class RetryPolicyFactory implements CrossChecked.Checkable {

  /** Delay before the first retry. Default 2s; must be greater than zero. */
  @NotNull
  @JsonProperty
  @JsonDeserialize(using = ConfigDuration.class)
  private Duration initialInterval = Duration.ofSeconds(2);

  /** Factor by which each delay grows over the previous one. Default 2.0; at least 1. */
  @DecimalMin("1.0")
  @JsonProperty
  private double backoffCoefficient = 2.0;

  /** Cap on the delay between attempts. Default 10m; not shorter than {@code initialInterval}. */
  @NotNull
  @JsonProperty
  @JsonDeserialize(using = ConfigDuration.class)
  private Duration maximumInterval = Duration.ofMinutes(10);

  /**
   * Upper bound on attempts, the first included. Default 0, which leaves the activity's {@code
   * scheduleToCloseTimeout} as the only bound.
   */
  @Min(0)
  @JsonProperty
  private int maximumAttempts = 0;

  /** Failure types never retried, whatever their origin. Default: the permanent email failures. */
  @NotNull @JsonProperty
  private List<@NotBlank String> nonRetryableErrors =
      List.of(EmailFailure.PermanentEmailFailure.name(), EmailFailure.InvalidEmailRequest.name());

  public RetryOptions build() {
    return RetryOptions.newBuilder()
        .setInitialInterval(initialInterval)
        .setBackoffCoefficient(backoffCoefficient)
        .setMaximumInterval(maximumInterval)
        .setMaximumAttempts(maximumAttempts)
        .setDoNotRetry(nonRetryableErrors.toArray(String[]::new))
        .build();
  }

  @Override
  public Map<String, String> crossFieldViolations() {
    Map<String, String> violations = new LinkedHashMap<>();
    if (initialInterval != null && initialInterval.isZero()) {
      violations.put("initialInterval", "must be greater than zero");
    }
    if (initialInterval != null
        && maximumInterval != null
        && maximumInterval.compareTo(initialInterval) < 0) {
      violations.put(
          "maximumInterval",
          "must not be shorter than initialInterval ("
              + ConfigDuration.format(initialInterval)
              + ")");
    }
    return violations;
  }
}
