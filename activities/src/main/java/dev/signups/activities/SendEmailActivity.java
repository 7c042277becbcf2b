package dev.signups.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Sends the emails of a signup over SMTP, as two activity types so that each has its own policy:
 * {@value #TYPE} for the emails asking for confirmation, {@value #WELCOME_TYPE} for the welcome.
 *
 * <p>Both are retried by Temporal under the policy declared for their type in the configuration. A
 * failure they throw is an {@link io.temporal.failure.ApplicationFailure} whose type is an {@link
 * EmailFailure} name, whose message is the SMTP reply or the network error, and whose single detail
 * is the attempt number.
 */
@ActivityInterface
public interface SendEmailActivity {

  /** The type of the confirmation and reminder emails, the key of their options. */
  String TYPE = "SendEmail";

  /** The type of the welcome email, the key of its options. */
  String WELCOME_TYPE = "SendWelcomeEmail";

  /**
   * Sends the email described by {@code request}. Every attempt for the same request carries the
   * same {@code Message-ID} and the same link, so a receiver can recognise a resend as a duplicate.
   *
   * @return the Message-ID sent and the attempt that succeeded
   */
  @ActivityMethod(name = TYPE)
  EmailReceipt send(EmailRequest request);

  /** Sends the welcome email described by {@code request}, like {@link #send}. */
  @ActivityMethod(name = WELCOME_TYPE)
  EmailReceipt sendWelcome(EmailRequest request);
}
