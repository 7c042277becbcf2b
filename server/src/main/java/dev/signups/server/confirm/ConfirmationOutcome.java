package dev.signups.server.confirm;

/** What following a confirmation link did; each has its page. */
public enum ConfirmationOutcome {
  /** The signup is confirmed now. */
  CONFIRMED,
  /** The signup had been confirmed before. */
  ALREADY_CONFIRMED,
  /** The link was genuine but its window has passed; a new one can be asked for. */
  EXPIRED,
  /** The link was never issued, was altered, or belongs to a signup that no longer takes it. */
  INVALID
}
