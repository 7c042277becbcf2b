package dev.signups.workflows;

/** Where a signup stands. */
public enum SignupStatus {
  /** The confirmation email is being sent, or waits for its next attempt. */
  SENDING,
  /** The mail server accepted the confirmation email. */
  SENT,
  /** The mail server rejected it for good, or the retry policy ran out; see the last error. */
  DELIVERY_FAILED
}
