package dev.signups.workflows;

/**
 * Why a signup refused a confirmation: the type of the {@link
 * io.temporal.failure.ApplicationFailure} its update validator throws. A refused confirmation
 * leaves no trace in the workflow's history.
 */
public enum ConfirmationRejection {
  /** The signup is confirmed already, whichever of its links was followed. */
  AlreadyConfirmed,
  /** The token is none this signup sent. */
  UnknownToken,
  /** The token is one this signup sent, but its window has passed. */
  LinkExpired
}
