package dev.signups.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.mail.RetryDelays;
import dev.signups.server.confirm.ConfirmationFactory;
import dev.signups.server.core.ProviderQueues;
import dev.signups.server.crypto.CodecServerFactory;
import dev.signups.server.crypto.PayloadEncryptionFactory;
import dev.signups.server.limits.RateLimitsFactory;
import dev.signups.server.mail.MailProviderFactory;
import dev.signups.server.mail.SmtpFactory;
import dev.signups.server.temporal.ActivityOptionsFactory;
import dev.signups.server.temporal.TemporalFactory;
import io.dropwizard.core.Configuration;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import io.temporal.activity.ActivityOptions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The application's configuration; {@code server/config.yml} documents every key. */
@SelfValidating
public class SignupConfiguration extends Configuration {

  static final int MIN_SECRET_LENGTH = 32;

  /** What one process of this application does. */
  public enum Role {
    /** Serves the HTTP API, which starts signups and reports on them. */
    API,
    /** Polls Temporal: runs the signup workflows and sends their email. */
    WORKER
  }

  /**
   * The roles this process plays. Default both; run more {@code worker} processes to send more
   * email, and {@code api} processes behind a load balancer to take more signups.
   */
  @NotEmpty @JsonProperty private Set<Role> roles = EnumSet.allOf(Role.class);

  /** The Temporal server, namespace and task queue. */
  @Valid @NotNull @JsonProperty private TemporalFactory temporal = new TemporalFactory();

  /** The SMTP server. */
  @Valid @NotNull @JsonProperty private SmtpFactory smtp = new SmtpFactory();

  /** The double opt-in: links, their window, the reminder and the resend cooldown. */
  @Valid @NotNull @JsonProperty
  private ConfirmationFactory confirmation = new ConfirmationFactory();

  /** The keys that encrypt what Temporal stores of each signup. */
  @Valid @NotNull @JsonProperty
  private PayloadEncryptionFactory payloadEncryption = new PayloadEncryptionFactory();

  /** The codec endpoint on the admin port, which shows the Web UI decrypted payloads. */
  @Valid @NotNull @JsonProperty private CodecServerFactory codecServer = new CodecServerFactory();

  /** How many signups the API starts per client and per recipient domain. */
  @Valid @NotNull @JsonProperty private RateLimitsFactory rateLimits = new RateLimitsFactory();

  /**
   * Mail providers whose recipients get their emails through a task queue of their own, at a rate
   * the Temporal server enforces over all workers; other domains use {@code temporal.taskQueue}.
   * Default none.
   */
  @NotNull @JsonProperty
  private List<@Valid @NotNull MailProviderFactory> mailProviders = List.of();

  /** Timeouts and retry policy of the SendEmail activity: the confirmation and reminder emails. */
  @Valid @NotNull @JsonProperty
  private ActivityOptionsFactory sendEmail = new ActivityOptionsFactory();

  /** Timeouts and retry policy of the SendWelcomeEmail activity. */
  @Valid @NotNull @JsonProperty
  private ActivityOptionsFactory sendWelcomeEmail = new ActivityOptionsFactory();

  /**
   * The key of the HMAC that turns an address into a signup id; at least 32 characters, from the
   * environment, required by the {@code api} role. Changing it gives every address a new id.
   */
  @JsonProperty private String signupIdSecret = "";

  /** The largest request body the API reads. Default 16KiB. */
  @NotNull
  @MinDataSize(1)
  @MaxDataSize(value = 1, unit = DataSizeUnit.MEBIBYTES)
  @JsonProperty
  private DataSize maxRequestBodySize = DataSize.kibibytes(16);

  public Set<Role> getRoles() {
    return roles;
  }

  public TemporalFactory getTemporal() {
    return temporal;
  }

  public SmtpFactory getSmtp() {
    return smtp;
  }

  public ConfirmationFactory getConfirmation() {
    return confirmation;
  }

  public PayloadEncryptionFactory getPayloadEncryption() {
    return payloadEncryption;
  }

  public CodecServerFactory getCodecServer() {
    return codecServer;
  }

  public RateLimitsFactory getRateLimits() {
    return rateLimits;
  }

  /**
   * The task queue of each provider's emails, {@code <temporal.taskQueue>-<name>}, by recipient
   * domain.
   */
  public ProviderQueues providerQueues() {
    return MailProviderFactory.queues(temporal.getTaskQueue(), mailProviders);
  }

  /** The retry delays of each email activity type. */
  public Map<String, RetryDelays> retryDelays() {
    return Map.of(
        SendEmailActivity.TYPE,
        sendEmail.delays(),
        SendEmailActivity.WELCOME_TYPE,
        sendWelcomeEmail.delays());
  }

  /** The activity options of each email activity type. */
  public Map<String, ActivityOptions> activityOptions() {
    return Map.of(
        SendEmailActivity.TYPE,
        sendEmail.build(),
        SendEmailActivity.WELCOME_TYPE,
        sendWelcomeEmail.build());
  }

  public ActivityOptionsFactory getSendEmail() {
    return sendEmail;
  }

  public ActivityOptionsFactory getSendWelcomeEmail() {
    return sendWelcomeEmail;
  }

  public String getSignupIdSecret() {
    return signupIdSecret;
  }

  public DataSize getMaxRequestBodySize() {
    return maxRequestBodySize;
  }

  @SelfValidation
  public void validateSecrets(ViolationCollector violations) {
    if (roles != null && roles.contains(Role.API)) {
      checkSecret(violations, "signupIdSecret", signupIdSecret, "SIGNUP_ID_SECRET");
    }
    if (confirmation != null) {
      checkSecret(
          violations,
          "confirmation.tokenSecret",
          confirmation.getTokenSecret(),
          "CONFIRMATION_TOKEN_SECRET");
    }
  }

  /** A provider's name and each of its domains appear once. */
  @SelfValidation
  public void validateProviders(ViolationCollector violations) {
    MailProviderFactory.repeats(mailProviders)
        .forEach(repeat -> violations.addViolation("mailProviders", repeat));
  }

  /** Every SMTP timeout must end before the attempt that waits on it times out. */
  @SelfValidation
  public void validateAttemptsOutlastSmtp(ViolationCollector violations) {
    if (smtp != null) {
      checkAttemptOutlastsSmtp(violations, "sendEmail", sendEmail);
      checkAttemptOutlastsSmtp(violations, "sendWelcomeEmail", sendWelcomeEmail);
    }
  }

  private static void checkSecret(
      ViolationCollector violations, String key, String secret, String variable) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      violations.addViolation(
          key, "must be at least " + MIN_SECRET_LENGTH + " characters (set " + variable + ")");
    }
  }

  private void checkAttemptOutlastsSmtp(
      ViolationCollector violations, String key, ActivityOptionsFactory activity) {
    if (activity == null || activity.getStartToCloseTimeout() == null) {
      return;
    }
    Duration attempt = activity.getStartToCloseTimeout();
    smtp.timeouts()
        .forEach(
            (timeout, value) -> {
              if (value != null && value.compareTo(attempt) >= 0) {
                violations.addViolation(
                    "smtp." + timeout,
                    "must be shorter than " + key + ".startToCloseTimeout (" + attempt + ")");
              }
            });
  }
}
