package dev.signups.workflows;

import java.time.Instant;

/**
 * The state of a signup, as its workflow reports it.
 *
 * @param status where the signup stands
 * @param attempts how many send attempts finished, the successful one included
 * @param lastError the SMTP reply or network error of the last failed attempt, or null
 * @param messageId the Message-ID the mail server accepted, or null until then
 * @param startedAt when the signup started
 * @param updatedAt when the status last changed
 */
public record SignupState(
    SignupStatus status,
    int attempts,
    String lastError,
    String messageId,
    Instant startedAt,
    Instant updatedAt) {

  static SignupState sending(Instant now) {
    return new SignupState(SignupStatus.SENDING, 0, null, null, now, now);
  }

  SignupState sent(int attempts, String messageId, Instant now) {
    return new SignupState(SignupStatus.SENT, attempts, lastError, messageId, startedAt, now);
  }

  SignupState deliveryFailed(int attempts, String lastError, Instant now) {
    return new SignupState(
        SignupStatus.DELIVERY_FAILED,
        Math.max(attempts, this.attempts),
        lastError,
        null,
        startedAt,
        now);
  }
}
