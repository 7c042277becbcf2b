package dev.signups.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.server.mail.SmtpFactory;
import dev.signups.server.temporal.TemporalFactory;
import dev.signups.workflows.options.ActivityOptionsFactory;
import dev.signups.workflows.options.ConfigDuration;
import dev.signups.workflows.options.CrossChecked;
import io.dropwizard.core.Configuration;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MinDataSize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The application's configuration; {@code server/config.yml} documents every key. */
@CrossChecked
public class SignupConfiguration extends Configuration implements CrossChecked.Checkable {

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

  /** Timeouts and retry policy of the SendEmail activity. */
  @Valid @NotNull @JsonProperty
  private ActivityOptionsFactory sendEmail = new ActivityOptionsFactory();

  /**
   * The key of the HMAC that turns an address into a signup id; at least 32 characters, from the
   * environment, required by the {@code api} role. Changing it gives every address a new id.
   */
  @JsonProperty private String signupIdSecret = "";

  /** The largest request body the API reads. Default 16KiB. */
  @NotNull
  @MinDataSize(1)
  @MaxDataSize(value = 1, unit = io.dropwizard.util.DataSizeUnit.MEBIBYTES)
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

  public ActivityOptionsFactory getSendEmail() {
    return sendEmail;
  }

  public String getSignupIdSecret() {
    return signupIdSecret;
  }

  public DataSize getMaxRequestBodySize() {
    return maxRequestBodySize;
  }

  @Override
  public Map<String, String> crossFieldViolations() {
    Map<String, String> violations = new LinkedHashMap<>();
    boolean api = roles != null && roles.contains(Role.API);
    if (api && (signupIdSecret == null || signupIdSecret.length() < MIN_SECRET_LENGTH)) {
      violations.put(
          "signupIdSecret",
          "must be at least " + MIN_SECRET_LENGTH + " characters (set SIGNUP_ID_SECRET)");
    }
    if (smtp != null && sendEmail != null && sendEmail.getStartToCloseTimeout() != null) {
      Duration attempt = sendEmail.getStartToCloseTimeout();
      smtp.timeouts()
          .forEach(
              (key, timeout) -> {
                if (timeout != null && timeout.compareTo(attempt) >= 0) {
                  violations.put(
                      "smtp." + key,
                      "must be shorter than sendEmail.startToCloseTimeout ("
                          + ConfigDuration.format(attempt)
                          + ")");
                }
              });
    }
    return violations;
  }
}
