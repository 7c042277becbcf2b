package dev.signups.activities.mail;

import com.uber.m3.tally.Scope;
import dev.signups.activities.EmailFailure;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.PersonalData;
import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.links.ConfirmationLinks;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Composes the signup emails, with their confirmation links, and hands them to an {@link
 * EmailSender}. A transient failure sets the wait before the next attempt as {@link RetryDelays}
 * says for the activity's type: the policy's backoff, spread, and longer after a reply that asks to
 * slow down. Every attempt is counted in the worker's Temporal metrics: {@value #SENDS} by email,
 * result, failure type and SMTP reply class, and {@value #LATENCY} by email and result.
 */
public final class SendEmailActivityImpl implements SendEmailActivity {

  static final String SENDS = "signups_emails";
  static final String LATENCY = "signups_email_send_latency";

  private final EmailSender sender;
  private final ConfirmationLinks links;
  private final Map<String, RetryDelays> delays;
  private final Map<EmailKind, EmailTemplate> templates = new EnumMap<>(EmailKind.class);

  /**
   * @param delays how each activity type spreads its retries and slows down when asked, by type; a
   *     type without an entry retries as its policy says
   */
  public SendEmailActivityImpl(
      EmailSender sender, ConfirmationLinks links, Map<String, RetryDelays> delays) {
    this.sender = sender;
    this.links = links;
    this.delays = Map.copyOf(delays);
    for (EmailKind kind : EmailKind.values()) {
      templates.put(kind, EmailTemplate.load(kind.template()));
    }
  }

  @Override
  public EmailReceipt send(EmailRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    int attempt = context.getInfo().getAttempt();
    request
        .recipient()
        .problem()
        .ifPresent(
            problem -> {
              throw failure(EmailFailure.InvalidEmailRequest, problem, attempt);
            });
    String linkUrl = request.link() == null ? null : links.url(request.link());
    long started = System.nanoTime();
    try {
      String messageId = sender.send(templates.get(request.kind()).render(request, linkUrl));
      record(context, request.kind(), started, "sent", "none", "2xx");
      return new EmailReceipt(messageId, attempt);
    } catch (EmailDeliveryException e) {
      String replyClass =
          e.replyCode() == EmailDeliveryException.NO_REPLY ? "none" : e.replyCode() / 100 + "xx";
      record(context, request.kind(), started, "failed", e.failure().name(), replyClass);
      ApplicationFailure failure = failure(e.failure(), e.getMessage(), attempt);
      Duration nextRetryDelay = nextRetryDelay(context, attempt, e.replyCode());
      if (e.failure().retryable() && nextRetryDelay != null) {
        failure.setNextRetryDelay(nextRetryDelay);
      }
      throw failure;
    }
  }

  @Override
  public EmailReceipt sendWelcome(EmailRequest request) {
    return send(request);
  }

  /** The wait before the next attempt, or null for the retry policy's own. */
  private Duration nextRetryDelay(ActivityExecutionContext context, int attempt, int replyCode) {
    return delays
        .getOrDefault(context.getInfo().getActivityType(), RetryDelays.NONE)
        .after(
            context.getInfo().getRetryOptions(),
            attempt,
            replyCode,
            ThreadLocalRandom.current()::nextDouble);
  }

  private static void record(
      ActivityExecutionContext context,
      EmailKind kind,
      long started,
      String result,
      String failure,
      String replyClass) {
    Scope scope =
        context.getMetricsScope().tagged(Map.of("email", kind.template(), "result", result));
    scope.tagged(Map.of("failure", failure, "smtp_reply", replyClass)).counter(SENDS).inc(1);
    scope.timer(LATENCY).record(com.uber.m3.util.Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * The failure Temporal records for this attempt: the SMTP reply or network error, with every
   * address in it masked, as its message, and no Java stack trace, which would only show where this
   * method threw it.
   */
  private static ApplicationFailure failure(EmailFailure type, String message, int attempt) {
    ApplicationFailure failure =
        ApplicationFailure.newBuilder()
            .setType(type.name())
            .setMessage(PersonalData.maskAddresses(message))
            .setNonRetryable(!type.retryable())
            .setDetails(attempt)
            .build();
    failure.setStackTrace(new StackTraceElement[0]);
    return failure;
  }
}
