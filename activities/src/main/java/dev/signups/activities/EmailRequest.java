package dev.signups.activities;

/**
 * What the {@link SendEmailActivity} sends.
 *
 * @param messageKey the left-hand side of the Message-ID, stable across attempts; the right-hand
 *     side is the sender's domain
 * @param recipient who receives it
 * @param kind which email; null in requests recorded before kinds existed, read as {@link
 *     EmailKind#UNLINKED_CONFIRMATION}
 * @param link the confirmation link the email carries, or null for an email without one
 */
public record EmailRequest(
    String messageKey, Recipient recipient, EmailKind kind, ConfirmationClaim link) {

  public EmailRequest {
    if (kind == null) {
      kind = EmailKind.UNLINKED_CONFIRMATION;
    }
  }
}
