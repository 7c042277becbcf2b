package dev.signups.workflows;

import dev.signups.activities.SendEmailActivity;
import io.temporal.activity.ActivityOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.util.Map;

/**
 * Registers the signup workflow on a worker, with the activity options taken from configuration.
 */
public final class SignupWorkflows {

  private SignupWorkflows() {}

  /**
   * Registers {@link SignupWorkflow} on {@code worker}; its {@code SendEmail} calls run under
   * {@code sendEmail}, its {@code SendWelcomeEmail} calls under {@code sendWelcomeEmail}.
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
            .build(),
        SignupWorkflowImpl.class);
  }
}
