package dev.signups.workflows;

import dev.signups.activities.ConfirmationLinkActivity;
import dev.signups.activities.SendEmailActivity;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.Map;

/**
 * Registers the signup workflow on a worker, with the activity options taken from configuration.
 */
public final class SignupWorkflows {

  /**
   * The link digest is a computation in the worker's memory, not a call to anything: it needs no
   * configuration, only a bound, and retries under the SDK's default policy.
   */
  private static final LocalActivityOptions DIGEST_LINK =
      LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(5)).build();

  private SignupWorkflows() {}

  /**
   * Registers {@link SignupWorkflow} on {@code worker}; its {@code SendEmail} calls run under
   * {@code sendEmail}, its {@code SendWelcomeEmail} calls under {@code sendWelcomeEmail}. The
   * worker must also register an implementation of both activity interfaces, {@link
   * dev.signups.activities.SendEmailActivityImpl}.
   */
  public static void register(
      Worker worker, ActivityOptions sendEmail, ActivityOptions sendWelcomeEmail) {
    worker.registerWorkflowImplementationTypes(
        WorkflowImplementationOptions.newBuilder()
            .setActivityOptions(
                Map.of(
                    SendEmailActivity.TYPE,
                    sendEmail,
                    SendEmailActivity.WELCOME_TYPE,
                    sendWelcomeEmail))
            .setLocalActivityOptions(Map.of(ConfirmationLinkActivity.TYPE, DIGEST_LINK))
            .build(),
        SignupWorkflowImpl.class);
  }
}
