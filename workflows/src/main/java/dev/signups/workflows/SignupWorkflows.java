package dev.signups.workflows;

import dev.signups.activities.ConfirmationLinkActivity;
import dev.signups.activities.SendEmailActivity;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Registers the signup workflow on a worker, with the activity options its caller configured. */
public final class SignupWorkflows {

  /** The activity types whose options {@link #register} needs. */
  public static final List<String> ACTIVITY_TYPES =
      List.of(SendEmailActivity.TYPE, SendEmailActivity.WELCOME_TYPE);

  /**
   * The link digest is a computation in the worker's memory, not a call to anything: it needs no
   * configuration, only a bound, and retries under the SDK's default policy.
   */
  private static final LocalActivityOptions DIGEST_LINK =
      LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(5)).build();

  private SignupWorkflows() {}

  /**
   * Registers {@link SignupWorkflow} on {@code worker}; each of its activities runs under the
   * options {@code optionsByActivityType} holds for its type, one for each of {@link
   * #ACTIVITY_TYPES}. The worker must also register implementations of {@link SendEmailActivity}
   * and {@link ConfirmationLinkActivity}.
   *
   * @throws IllegalArgumentException when an activity type has no options
   */
  public static void register(Worker worker, Map<String, ActivityOptions> optionsByActivityType) {
    for (String type : ACTIVITY_TYPES) {
      if (!optionsByActivityType.containsKey(type)) {
        throw new IllegalArgumentException("No activity options for activity type " + type);
      }
    }
    worker.registerWorkflowImplementationTypes(
        WorkflowImplementationOptions.newBuilder()
            .setActivityOptions(optionsByActivityType)
            .setLocalActivityOptions(Map.of(ConfirmationLinkActivity.TYPE, DIGEST_LINK))
            .build(),
        SignupWorkflowImpl.class);
  }
}
