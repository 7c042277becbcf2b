package dev.signups.server.confirm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.signups.activities.ConfirmationTokens;
import dev.signups.workflows.ConfirmationPolicy;
import dev.signups.workflows.options.ConfigDuration;
import dev.signups.workflows.options.CrossChecked;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The double opt-in: where confirmation links point, how long they work, when the reminder goes
 * out, and the key that signs them.
 */
@CrossChecked
public class ConfirmationFactory implements CrossChecked.Checkable {

  /**
   * Where people reach the API, such as {@code https://signups.example.com}: links point to {@code
   * <publicBaseUrl>/signups/confirm}. An http or https URL with no query. Default {@code
   * http://localhost:8080}.
   */
  @NotNull @JsonProperty private String publicBaseUrl = "http://localhost:8080";

  /** How long the links work, counted from the signup's start. Default 48h; greater than zero. */
  @NotNull
  @JsonProperty
  @JsonDeserialize(using = ConfigDuration.class)
  private Duration window = ConfirmationPolicy.DEFAULT.window();

  /**
   * When one reminder with a fresh link goes out, counted from the signup's start. Default 24h;
   * {@code 0} sends none, as does a value not shorter than {@code window}.
   */
  @NotNull
  @JsonProperty
  @JsonDeserialize(using = ConfigDuration.class)
  private Duration remindAfter = ConfirmationPolicy.DEFAULT.remindAfter();

  /**
   * Signing up again while a signup awaits confirmation sends a fresh link only when the last email
   * went out at least this long before. Default 5m; {@code 0} resends every time.
   */
  @NotNull
  @JsonProperty
  @JsonDeserialize(using = ConfigDuration.class)
  private Duration resendCooldown = ConfirmationPolicy.DEFAULT.resendCooldown();

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
    return new ConfirmationPolicy(window, remindAfter, resendCooldown);
  }

  public String getTokenSecret() {
    return tokenSecret;
  }

  public ConfirmationTokens tokens() {
    return new ConfirmationTokens(tokenSecret);
  }

  @Override
  public Map<String, String> crossFieldViolations() {
    Map<String, String> violations = new LinkedHashMap<>();
    if (publicBaseUrl != null && !isBaseUrl(publicBaseUrl)) {
      violations.put(
          "publicBaseUrl",
          "must be an http or https URL with a host and no query, such as "
              + "https://signups.example.com");
    }
    if (window != null && window.isZero()) {
      violations.put("window", "must be greater than zero");
    }
    return violations;
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
