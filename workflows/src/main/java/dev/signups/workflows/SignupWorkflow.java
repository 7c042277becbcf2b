package dev.signups.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The life of one signup: the confirmation email is sent under the {@code SendEmail} activity's
 * configured retry policy, and the outcome is kept in the workflow's history.
 *
 * <p>Its workflow id is derived from the address by a keyed hash, so one address has at most one
 * running signup, and the id reveals nothing of the address.
 */
@WorkflowInterface
public interface SignupWorkflow {

  /**
   * Sends the confirmation email and returns the final state: {@link SignupStatus#SENT}, or {@link
   * SignupStatus#DELIVERY_FAILED} with the reason once the mail server rejected it or the retry
   * policy ran out.
   */
  @WorkflowMethod(name = "SignupWorkflow")
  SignupState signUp(Signup signup);

  /** The current state: status, attempts so far, the last error and timestamps. */
  @QueryMethod(name = "state")
  SignupState state();
}
