package dev.signups.server.health;

import com.codahale.metrics.health.HealthCheck;
import dev.signups.activities.mail.EmailDeliveryException;
import dev.signups.activities.mail.SmtpEmailSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Healthy when the SMTP server accepts a connection and answers EHLO (and a login, when one is
 * configured). The answer is reused for a short while so health polling does not hammer the server.
 */
public final class SmtpHealthCheck extends HealthCheck {

  private final SmtpEmailSender sender;
  private final Duration cacheFor;
  private final Clock clock;
  private Result last;
  private Instant lastAt = Instant.MIN;

  public SmtpHealthCheck(SmtpEmailSender sender, Duration cacheFor, Clock clock) {
    this.sender = sender;
    this.cacheFor = cacheFor;
    this.clock = clock;
  }

  @Override
  protected synchronized Result check() {
    Instant now = clock.instant();
    if (last == null || !now.isBefore(lastAt.plus(cacheFor))) {
      last = probe();
      lastAt = now;
    }
    return last;
  }

  private Result probe() {
    try {
      sender.checkConnection();
      return Result.healthy("SMTP server answers");
    } catch (EmailDeliveryException e) {
      return Result.unhealthy(e.getMessage());
    }
  }
}
