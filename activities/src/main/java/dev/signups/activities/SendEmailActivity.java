package dev.signups.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Sends one signup email over SMTP.
 *
 * <p>The activity is retried by Temporal under the policy declared for {@link #TYPE} in the
 * configuration. A failure it throws is an {@link io.temporal.failure.ApplicationFailure} whose
 * type is an {@link EmailFailure} name, whose message is the SMTP reply or the network error, and
 * whose single detail is the attempt number.
 */
@ActivityInterface
public interface SendEmailActivity {

  /** The activity type name, the key of its options at worker registration. */
  String TYPE = "SendEmail";

  /**
   * Sends the email described by {@code request}. Every attempt for the same request carries the
   * same {@code Message-ID}, so a receiver can recognise a resend as a duplicate.
   *
   * @return the Message-ID sent and the attempt that succeeded
   */
  @ActivityMethod(name = TYPE)
  EmailReceipt send(EmailRequest request);
}
