package dev.signups.server.mail;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.mail.SmtpEmailSender;
import dev.signups.activities.mail.SmtpSettings;
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
            sender()));
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
