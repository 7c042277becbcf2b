package dev.signups.workflows;

import dev.signups.activities.EmailFailure;
import dev.signups.activities.SendEmailActivity;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;

/** The activity options of the tests: one policy per activity type, unlike in every value. */
final class PolicyFixture {

  static final ActivityOptions SEND_EMAIL =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(2.0)
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .setDoNotRetry(
                      EmailFailure.PermanentEmailFailure.name(),
                      EmailFailure.InvalidEmailRequest.name())
                  .build())
          .build();

  static final ActivityOptions SEND_WELCOME_EMAIL =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(20))
          .setScheduleToCloseTimeout(Duration.ofHours(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(5))
                  .setBackoffCoefficient(3.0)
                  .setMaximumInterval(Duration.ofMinutes(5))
                  .setMaximumAttempts(10)
                  .setDoNotRetry(EmailFailure.PermanentEmailFailure.name())
                  .build())
          .build();

  private PolicyFixture() {}

  /** Registers the signup workflow on {@code worker} with the fixtures' options. */
  static void register(Worker worker) {
    SignupWorkflows.register(
        worker,
        Map.of(
            SendEmailActivity.TYPE,
            SEND_EMAIL,
            SendEmailActivity.WELCOME_TYPE,
            SEND_WELCOME_EMAIL));
  }
}
