package dev.signups.workflows;

import java.time.Instant;

/**
 * The input of {@link SignupWorkflow}: who signed up, and how the signup waits for confirmation.
 *
 * @param email the address, as validated by the API
 * @param name the display name, as validated by the API
 * @param confirmation the policy of the confirmation; null in signups started by a version without
 *     one, which get {@link ConfirmationPolicy#DEFAULT}
 * @param confirmed the state of a confirmed signup carried into a new run by continue-as-new, or
 *     null for a new signup
 * @param emailTaskQueue the task queue of the signup's emails, whose workers send to its
 *     recipient's mail provider at a rate the server enforces; null for the workflow's own queue
 * @param suppressed the state of a signup whose address is suppressed before it was confirmed:
 *     carried into a new run by continue-as-new, or that of a signup a bounce started; null
 *     otherwise
 */
public record Signup(
    String email,
    String name,
    ConfirmationPolicy confirmation,
    SignupState confirmed,
    String emailTaskQueue,
    SignupState suppressed) {

  /** A new signup of {@code email}, its emails sent from {@code emailTaskQueue}. */
  public Signup(String email, String name, ConfirmationPolicy confirmation, String emailTaskQueue) {
    this(email, name, confirmation, null, emailTaskQueue, null);
  }

  /**
   * The signup of an address a provider bounced while no signup of it ran: it starts suppressed,
   * sending nothing.
   */
  public static Signup suppressed(String email, String emailTaskQueue, Instant now) {
    return new Signup(
        email, "", null, null, emailTaskQueue, SignupState.sending(now).suppressed(now));
  }

  /** This signup, continued in a new run that carries {@code confirmedOrSuppressed}. */
  Signup carrying(SignupState state, boolean confirmed) {
    return new Signup(
        email,
        name,
        confirmation,
        confirmed ? state : null,
        emailTaskQueue,
        confirmed ? null : state);
  }

  ConfirmationPolicy confirmationOrDefault() {
    return confirmation == null ? ConfirmationPolicy.DEFAULT : confirmation;
  }
}
