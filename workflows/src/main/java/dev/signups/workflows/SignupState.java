package dev.signups.workflows;

import java.time.Instant;

/**
 * The state of a signup, as its workflow reports it.
 *
 * @param status where the signup stands
 * @param attempts how many attempts the last email sent took, the successful one included
 * @param lastError the SMTP reply or network error of the last failed attempt, or null
 * @param messageId the Message-ID of the last email the mail server accepted, or null until then
 * @param startedAt when the signup started
 * @param updatedAt when the state last changed
 * @param expiresAt when the confirmation links stop working, or null before the first is sent
 * @param lastBounce the last bounce or complaint a provider reported, such as {@code HardBounce
 *     (ses): 550 5.1.1 No such user}, or null
 */
public record SignupState(
    SignupStatus status,
    int attempts,
    String lastError,
    String messageId,
    Instant startedAt,
    Instant updatedAt,
    Instant expiresAt,
    String lastBounce) {

  static SignupState sending(Instant now) {
    return new SignupState(SignupStatus.SENDING, 0, null, null, now, now, null, null);
  }

  SignupState sent(int attempts, String messageId, Instant now) {
    return with(SignupStatus.SENT, attempts, lastError, messageId, now);
  }

  SignupState awaitingConfirmation(int attempts, String messageId, Instant now) {
    return with(SignupStatus.AWAITING_CONFIRMATION, attempts, lastError, messageId, now);
  }

  SignupState confirmed(int attempts, String messageId, String lastError, Instant now) {
    return with(SignupStatus.CONFIRMED, attempts, lastError, messageId, now);
  }

  SignupState expired(Instant now) {
    return with(SignupStatus.EXPIRED, attempts, lastError, messageId, now);
  }

  /** A failed email that ends the signup: the first confirmation email. */
  SignupState deliveryFailed(int attempts, String lastError, Instant now) {
    return with(
        SignupStatus.DELIVERY_FAILED, Math.max(attempts, this.attempts), lastError, null, now);
  }

  /** A failed email that leaves the status as it is: a reminder, a resend or the welcome. */
  SignupState emailFailed(int attempts, String lastError, Instant now) {
    return with(status, attempts, lastError, messageId, now);
  }

  SignupState expiringAt(Instant expiresAt) {
    return new SignupState(
        status, attempts, lastError, messageId, startedAt, updatedAt, expiresAt, lastBounce);
  }

  SignupState suppressed(Instant now) {
    return with(SignupStatus.SUPPRESSED, attempts, lastError, messageId, now);
  }

  /** The same state in {@code status}: a suppression lifted, back to where the signup was. */
  SignupState in(SignupStatus status, Instant now) {
    return with(status, attempts, lastError, messageId, now);
  }

  SignupState bounced(Bounce bounce, Instant now) {
    return bounced(bounce.describe(), now);
  }

  SignupState bounced(String bounce, Instant now) {
    return new SignupState(
        status, attempts, lastError, messageId, startedAt, now, expiresAt, bounce);
  }

  private SignupState with(
      SignupStatus status, int attempts, String lastError, String messageId, Instant now) {
    return new SignupState(
        status, attempts, lastError, messageId, startedAt, now, expiresAt, lastBounce);
  }
}
