package dev.signups.server.confirm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.links.ConfirmationLinks;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.workflows.ConfirmationPolicy;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The double opt-in: where confirmation links point, how long they work, when the reminder goes
 * out, and the key that signs them.
 */
@SelfValidating
public class ConfirmationFactory {

  /**
   * Where people reach the API, such as {@code https://signups.example.com}: links point to {@code
   * <publicBaseUrl>/signups/confirm}. An http or https URL with no query. Default {@code
   * http://localhost:8080}.
   */
  @NotNull @JsonProperty private String publicBaseUrl = "http://localhost:8080";

  /** How long the links work, counted from the signup's start. Default 48h; greater than zero. */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration window = Duration.hours(48);

  /**
   * When one reminder with a fresh link goes out, counted from the signup's start. Default 24h;
   * {@code 0s} sends none, as does a value not shorter than {@code window}.
   */
  @NotNull @JsonProperty private Duration remindAfter = Duration.hours(24);

  /**
   * Signing up again while a signup awaits confirmation sends a fresh link only when the last email
   * went out at least this long before. Default 5m; {@code 0s} resends every time.
   */
  @NotNull @JsonProperty private Duration resendCooldown = Duration.minutes(5);

  /**
   * Whether opening a link confirms at once. Default false: the link's page shows a "Confirm my
   * address" button, and only pressing it confirms. Mail scanners (Microsoft Safe Links and others)
   * open every link in a message; with one-click confirmation they confirm the signups they pass
   * and trigger the welcome email, for addresses whose owners never saw the email.
   */
  @JsonProperty private boolean oneClick = false;

  /**
   * The HMAC key that signs the links; at least 32 characters, from the environment, required by
   * both roles: the worker signs, the API verifies. Changing it invalidates every link sent.
   */
  @JsonProperty private String tokenSecret = "";

  public String getPublicBaseUrl() {
    return publicBaseUrl.endsWith("/")
        ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
        : publicBaseUrl;
  }

  /** The policy new signups start with. */
  public ConfirmationPolicy policy() {
    return new ConfirmationPolicy(
        window.toJavaDuration(), remindAfter.toJavaDuration(), resendCooldown.toJavaDuration());
  }

  public boolean isOneClick() {
    return oneClick;
  }

  public String getTokenSecret() {
    return tokenSecret;
  }

  public ConfirmationTokens tokens() {
    return new ConfirmationTokens(tokenSecret);
  }

  /** The links the emails carry: signed with {@code tokenSecret}, under {@code publicBaseUrl}. */
  public ConfirmationLinks links() {
    return new ConfirmationLinks(tokens(), getPublicBaseUrl());
  }

  @SelfValidation
  public void validatePublicBaseUrl(ViolationCollector violations) {
    if (publicBaseUrl != null && !isBaseUrl(publicBaseUrl)) {
      violations.addViolation(
          "publicBaseUrl",
          "must be an http or https URL with a host and no query, such as "
              + "https://signups.example.com");
    }
  }

  private static boolean isBaseUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
