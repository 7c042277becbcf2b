package dev.signups.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The life of one signup, double opt-in: the confirmation email with a link goes out under the
 * {@code SendEmail} activity's configured policy; the signup waits for the link to be followed
 * through its window, sending one reminder on the way; once confirmed it sends the welcome email
 * under the {@code SendWelcomeEmail} policy. Everything that happens stays in its history.
 *
 * <p>Its workflow id is derived from the address by a keyed hash, so one address has at most one
 * running signup, and the id reveals nothing of the address. A confirmed signup keeps running,
 * idle, so that signing up again with a confirmed address sends nothing.
 */
@WorkflowInterface
public interface SignupWorkflow {

  /** The workflow type name, as visibility queries and the Web UI know it. */
  String TYPE = "SignupWorkflow";

  /** The failure type of an {@link #unsuppress} refused because the signup is not suppressed. */
  String NOT_SUPPRESSED = "NotSuppressed";

  /**
   * Runs the signup. Returns its final state: {@link SignupStatus#EXPIRED}, or {@link
   * SignupStatus#DELIVERY_FAILED} with the reason once the mail server rejected the confirmation
   * email or the retry policy ran out. A confirmed signup never returns: it continues as new.
   */
  @WorkflowMethod(name = TYPE)
  SignupState signUp(Signup signup);

  /**
   * Someone signed up again with this address. A signup awaiting confirmation sends a fresh link
   * unless the last email went out within the resend cooldown; any other signup ignores it.
   */
  @SignalMethod(name = "signupRequested")
  void signupRequested();

  /**
   * Confirms the signup with the token of one of its links. The welcome email follows; this update
   * returns as soon as the confirmation is recorded.
   */
  @UpdateMethod(name = "confirm")
  void confirm(String token);

  /**
   * Refuses a token that this signup did not send, whose window has passed, or that comes after the
   * signup was confirmed, with an {@link io.temporal.failure.ApplicationFailure} whose type is a
   * {@link ConfirmationRejection} name.
   */
  @UpdateValidatorMethod(updateName = "confirm")
  void validateConfirm(String token);

  /**
   * A mail provider reported that an email to this address bounced, or that its recipient marked it
   * as spam. A hard bounce or a complaint suppresses the address: no reminder, resend or welcome
   * goes out, and the signup stays open, {@link SignupStatus#SUPPRESSED}, so that signing up again
   * sends nothing, until {@link #unsuppress}. A soft bounce is recorded only.
   */
  @SignalMethod(name = "bounced")
  void bounced(Bounce bounce);

  /**
   * Lifts the suppression of the address: the signup is where it was before, and goes on from there
   * (an unconfirmed signup whose window has passed meanwhile then expires).
   */
  @UpdateMethod(name = "unsuppress")
  void unsuppress();

  /** Refuses to lift the suppression of a signup that is not suppressed. */
  @UpdateValidatorMethod(updateName = "unsuppress")
  void validateUnsuppress();

  /** The current state: status, attempts so far, the last error and timestamps. */
  @QueryMethod(name = "state")
  SignupState state();
}
