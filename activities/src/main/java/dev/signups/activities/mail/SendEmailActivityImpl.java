package dev.signups.activities.mail;

import dev.signups.activities.EmailFailure;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.links.ConfirmationLinks;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.EnumMap;
import java.util.Map;

/**
 * Composes the signup emails, with their confirmation links, and hands them to an {@link
 * EmailSender}.
 */
public final class SendEmailActivityImpl implements SendEmailActivity {

  private final EmailSender sender;
  private final ConfirmationLinks links;
  private final Map<EmailKind, EmailTemplate> templates = new EnumMap<>(EmailKind.class);

  public SendEmailActivityImpl(EmailSender sender, ConfirmationLinks links) {
    this.sender = sender;
    this.links = links;
    for (EmailKind kind : EmailKind.values()) {
      templates.put(kind, EmailTemplate.load(kind.template()));
    }
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
    String linkUrl = request.link() == null ? null : links.url(request.link());
    try {
      String messageId = sender.send(templates.get(request.kind()).render(request, linkUrl));
      return new EmailReceipt(messageId, attempt);
    } catch (EmailDeliveryException e) {
      throw failure(e.failure(), e.getMessage(), attempt);
    }
  }

  @Override
  public EmailReceipt sendWelcome(EmailRequest request) {
    return send(request);
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
