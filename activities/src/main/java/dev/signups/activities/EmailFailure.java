package dev.signups.activities;

/**
 * The failure types thrown by {@link SendEmailActivity}, used as {@code ApplicationFailure} types.
 */
public enum EmailFailure {
  /** The server could not be reached or answered with a 4xx reply; a later attempt may succeed. */
  TransientEmailFailure(true),
  /**
   * The connection broke after the message was handed over, so the server may or may not have
   * accepted it; retrying may deliver a duplicate with the same Message-ID.
   */
  DeliveryOutcomeUnknown(true),
  /** The server rejected the recipient or the message with a 5xx reply; retrying cannot help. */
  PermanentEmailFailure(false),
  /** The request itself is unusable (an address or a name that cannot go in a header). */
  InvalidEmailRequest(false);

  private final boolean retryable;

  EmailFailure(boolean retryable) {
    this.retryable = retryable;
  }

  /**
   * Whether a later attempt may succeed. A failure that is not retryable is thrown as
   * non-retryable, whatever the configured retry policy says.
   */
  public boolean retryable() {
    return retryable;
  }
}
