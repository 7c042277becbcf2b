package dev.signups.activities;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;

/** Composes the confirmation email and hands it to an {@link EmailSender}. */
public final class SendEmailActivityImpl implements SendEmailActivity {

  private final EmailSender sender;
  private final EmailTemplate confirmation;

  public SendEmailActivityImpl(EmailSender sender, EmailTemplate confirmation) {
    this.sender = sender;
    this.confirmation = confirmation;
  }

  @Override
  public EmailReceipt send(EmailRequest request) {
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    request
        .recipient()
        .problem()
        .ifPresent(
            problem -> {
              throw failure(EmailFailure.InvalidEmailRequest, problem, attempt);
            });
    try {
      String messageId = sender.send(confirmation.render(request));
      return new EmailReceipt(messageId, attempt);
    } catch (EmailDeliveryException e) {
      throw failure(e.failure(), e.getMessage(), attempt);
    }
  }

  /**
   * The failure Temporal records for this attempt: the SMTP reply or network error as its message,
   * and no Java stack trace, which would only show where this method threw it.
   */
  private static ApplicationFailure failure(EmailFailure type, String message, int attempt) {
    ApplicationFailure failure =
        ApplicationFailure.newBuilder()
            .setType(type.name())
            .setMessage(message)
            .setNonRetryable(!type.retryable())
            .setDetails(attempt)
            .build();
    failure.setStackTrace(new StackTraceElement[0]);
    return failure;
  }
}
