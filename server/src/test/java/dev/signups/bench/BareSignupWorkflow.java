package dev.signups.bench;

import dev.signups.activities.EmailReceipt;
import dev.signups.workflows.Signup;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/**
 * B0 of the benchmark, bare Temporal: one workflow that runs one activity, the application's own
 * {@code SendEmail} sending the same confirmation email, and ends. No signal, no local activity, no
 * search attributes, no timer, no payload encryption: the ceiling of a Temporal server for this
 * email.
 */
@WorkflowInterface
public interface BareSignupWorkflow {

  /** Its own task queue, so that it never meets the application's workers. */
  String TASK_QUEUE = "bench-bare";

  /** Sends the confirmation email of {@code signup}, with a link valid for its window. */
  @WorkflowMethod(name = "BareSignup")
  EmailReceipt signUp(Signup signup);

  /**
   * A signup of B0.
   *
   * @param email the address
   * @param name the name
   * @param linkValidity how long the link in the email works
   */
  record Signup(String email, String name, Duration linkValidity) {}
}
