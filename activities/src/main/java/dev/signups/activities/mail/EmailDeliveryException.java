package dev.signups.activities.mail;

import dev.signups.activities.EmailFailure;

/** A mail server did not accept an email; the message is the SMTP reply or the network error. */
public final class EmailDeliveryException extends Exception {

  private final EmailFailure failure;

  public EmailDeliveryException(EmailFailure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public EmailFailure failure() {
    return failure;
  }
}
