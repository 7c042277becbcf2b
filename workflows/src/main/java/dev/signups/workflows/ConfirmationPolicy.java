package dev.signups.workflows;

import java.time.Duration;

/**
 * How a signup waits for its confirmation. It is part of the workflow's input, so a signup keeps
 * the policy it started with when the configuration changes.
 *
 * @param window how long the links work, counted from when the signup started; after it the signup
 *     is {@link SignupStatus#EXPIRED}
 * @param remindAfter when one reminder with a fresh link goes out, counted from when the signup
 *     started; zero, or not shorter than {@code window}, sends none
 * @param resendCooldown a repeated signup sends a fresh link only when the last email went out at
 *     least this long before; zero resends on every repeat
 */
public record ConfirmationPolicy(Duration window, Duration remindAfter, Duration resendCooldown) {

  /** The defaults: a 48h window, a reminder after 24h, resends at most every 5m. */
  public static final ConfirmationPolicy DEFAULT =
      new ConfirmationPolicy(Duration.ofHours(48), Duration.ofHours(24), Duration.ofMinutes(5));

  boolean reminds() {
    return !remindAfter.isZero() && !remindAfter.isNegative() && remindAfter.compareTo(window) < 0;
  }
}
