package dev.signups.workflows;

/** Where a signup stands. */
public enum SignupStatus {
  /** The confirmation email is being sent, or waits for its next attempt. */
  SENDING,
  /** The confirmation email went out; its link works until the signup's {@code expiresAt}. */
  AWAITING_CONFIRMATION,
  /** The owner of the address followed a link, and the welcome email was sent or given up on. */
  CONFIRMED,
  /** Nobody followed a link before they expired. */
  EXPIRED,
  /** The mail server rejected it for good, or the retry policy ran out; see the last error. */
  DELIVERY_FAILED,
  /** The confirmation email went out, in a signup started before confirmation links existed. */
  SENT,
  /**
   * A provider reported a hard bounce or a spam complaint: no more mail goes to the address, not
   * even for a new signup, until an operator lifts the suppression.
   */
  SUPPRESSED
}
