package dev.signups.workflows;

/**
 * The input of {@link SignupWorkflow}: who signed up, and how the signup waits for confirmation.
 *
 * @param email the address, as validated by the API
 * @param name the display name, as validated by the API
 * @param confirmation the policy of the confirmation; null in signups started by a version without
 *     one, which get {@link ConfirmationPolicy#DEFAULT}
 * @param confirmed the state of a confirmed signup carried into a new run by continue-as-new, or
 *     null for a new signup
 */
public record Signup(
    String email, String name, ConfirmationPolicy confirmation, SignupState confirmed) {

  /** A new signup of {@code email}. */
  public Signup(String email, String name, ConfirmationPolicy confirmation) {
    this(email, name, confirmation, null);
  }

  ConfirmationPolicy confirmationOrDefault() {
    return confirmation == null ? ConfirmationPolicy.DEFAULT : confirmation;
  }
}
