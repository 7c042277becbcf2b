package dev.signups.server.mail;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.mail.SmtpEmailSender;
import dev.signups.activities.mail.SmtpSettings;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SMTP server signup emails go through. Jakarta Mail waits forever by default; every timeout
 * here is finite and must be shorter than the activity's {@code startToCloseTimeout}.
 */
@SelfValidating
public class SmtpFactory {

  /** The server's host name. Default localhost. */
  @NotEmpty @JsonProperty private String host = "localhost";

  /** The server's port: 25 or 587 for STARTTLS, 465 for SSL. Default 1025 (MailDev). */
  @Min(1)
  @Max(65535)
  @JsonProperty
  private int port = 1025;

  /** NONE, STARTTLS (required, never opportunistic) or SSL. Default NONE. */
  @NotNull @JsonProperty private SmtpSettings.Security security = SmtpSettings.Security.NONE;

  /** The login; empty for none. Supply it through the environment. */
  @JsonProperty private String username;

  /** The password for {@code username}. Supply it through the environment. */
  @JsonProperty private String password;

  /** How long to wait for the TCP connection. Default 5s; greater than zero. */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration connectTimeout = Duration.seconds(5);

  /** How long to wait for each SMTP reply. Default 10s; greater than zero. */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration readTimeout = Duration.seconds(10);

  /** How long to wait for each write. Default 10s; greater than zero. */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration writeTimeout = Duration.seconds(10);

  /** The sender, {@code Name <address>}; its domain ends every Message-ID. */
  @NotEmpty @JsonProperty private String from = "Signups <no-reply@example.com>";

  /**
   * The most connections kept open, idle, for the next emails: a reused connection spares each
   * email the new connection, greeting, EHLO, TLS handshake and login. A connection that carried a
   * failure is closed, never kept. Default 8: a send takes tens of milliseconds, so a few
   * connections carry a steady flow of hundreds of emails a second, while bursts beyond that open
   * more (up to {@code temporal.worker.maxConcurrentActivities}) and close them afterwards; 8 idle
   * sessions per worker stay far below the connections a server allows one client (Postfix: 50). 0
   * connects for every email. At least 0.
   */
  @Min(0)
  @JsonProperty
  private int maxIdleConnections = 8;

  /**
   * How long a connection may wait idle and still be reused; one idle for longer is closed. Default
   * 30s: RFC 5321 asks servers to wait 5 minutes for a client's next command, but servers under
   * load, NATs and load balancers drop silent connections much sooner, often after 60 s. A reused
   * connection the server has closed all the same costs one failed command, and the email goes out
   * on a new connection. Greater than zero.
   */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration maxIdleTime = Duration.seconds(30);

  /**
   * The most emails one connection carries before it is closed. Default 100: servers limit the
   * messages they take per connection, and a load-balanced relay spreads only new connections over
   * its machines; a new connection per 100 emails costs 1 % of what connecting for each does. At
   * least 1.
   */
  @Min(1)
  @JsonProperty
  private int maxMessagesPerConnection = 100;

  /** How long the health check's last answer is reused. Default 10s. */
  @NotNull @JsonProperty private Duration healthCheckCacheFor = Duration.seconds(10);

  public Duration getHealthCheckCacheFor() {
    return healthCheckCacheFor;
  }

  /** The timeouts, keyed by their configuration names, for checks against other settings. */
  public Map<String, Duration> timeouts() {
    Map<String, Duration> timeouts = new LinkedHashMap<>();
    timeouts.put("connectTimeout", connectTimeout);
    timeouts.put("readTimeout", readTimeout);
    timeouts.put("writeTimeout", writeTimeout);
    return timeouts;
  }

  /**
   * Builds the sender, closed when the application stops; registered before the workers that use
   * it, it is closed after they have stopped.
   */
  public SmtpEmailSender build(Environment environment) {
    SmtpEmailSender sender = build();
    environment.lifecycle().manage(new AutoCloseableManager(sender));
    return sender;
  }

  /** Builds a sender that the caller closes. */
  public SmtpEmailSender build() {
    return new SmtpEmailSender(
        new SmtpSettings(
            host,
            port,
            security,
            username,
            password,
            connectTimeout.toJavaDuration(),
            readTimeout.toJavaDuration(),
            writeTimeout.toJavaDuration(),
            sender(),
            new SmtpSettings.Pool(
                maxIdleConnections, maxIdleTime.toJavaDuration(), maxMessagesPerConnection)));
  }

  @SelfValidation
  public void validateSender(ViolationCollector violations) {
    if (from != null) {
      try {
        sender();
      } catch (IllegalArgumentException e) {
        violations.addViolation("from", e.getMessage());
      }
    }
  }

  private InternetAddress sender() {
    try {
      InternetAddress sender = new InternetAddress(from, true);
      if (!sender.getAddress().contains("@")) {
        throw new IllegalArgumentException(
            "must name a full address, such as no-reply@example.com");
      }
      return sender;
    } catch (AddressException e) {
      throw new IllegalArgumentException("is not a valid address: " + e.getMessage());
    }
  }
}
