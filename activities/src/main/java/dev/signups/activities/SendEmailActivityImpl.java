package dev.signups.activities;

import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.EnumMap;
import java.util.Map;

/**
 * Composes the signup emails, with their confirmation links, and hands them to an {@link
 * EmailSender}; digests the links for the workflow, under the same key.
 */
public final class SendEmailActivityImpl implements SendEmailActivity, ConfirmationLinkActivity {

  private final EmailSender sender;
  private final ConfirmationTokens tokens;
  private final String publicBaseUrl;
  private final Map<EmailKind, EmailTemplate> templates = new EnumMap<>(EmailKind.class);

  /**
   * @param publicBaseUrl where the API is reached from outside, without a trailing slash; links are
   *     {@code publicBaseUrl + /signups/confirm?token=...}
   */
  public SendEmailActivityImpl(
      EmailSender sender, ConfirmationTokens tokens, String publicBaseUrl) {
    this.sender = sender;
    this.tokens = tokens;
    this.publicBaseUrl = publicBaseUrl;
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
    String linkUrl =
        request.link() == null
            ? null
            : publicBaseUrl
                + ConfirmationTokens.CONFIRM_PATH
                + "?token="
                + tokens.issue(request.link());
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

  @Override
  public String digest(ConfirmationClaim link) {
    return ConfirmationTokens.digest(tokens.issue(link));
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
