package dev.signups.activities.mail;

import dev.signups.activities.EmailFailure;

/** A mail server did not accept an email; the message is the SMTP reply or the network error. */
public final class EmailDeliveryException extends Exception {

  /** The reply code of a failure without an SMTP reply, such as a refused connection. */
  public static final int NO_REPLY = -1;

  private final EmailFailure failure;
  private final int replyCode;

  /** A failure without an SMTP reply: a network error, a timeout, an unusable request. */
  public EmailDeliveryException(EmailFailure failure, String message) {
    this(failure, NO_REPLY, message);
  }

  /** A failure the server answered with the SMTP reply {@code replyCode}. */
  public EmailDeliveryException(EmailFailure failure, int replyCode, String message) {
    super(message);
    this.failure = failure;
    this.replyCode = replyCode;
  }

  public EmailFailure failure() {
    return failure;
  }

  /** The SMTP reply code, such as 451 or 550, or {@link #NO_REPLY}. */
  public int replyCode() {
    return replyCode;
  }
}
