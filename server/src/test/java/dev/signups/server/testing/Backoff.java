package dev.signups.server.testing;

import java.time.Duration;
import java.util.Map;

/**
 * A retry policy for the application's {@code sendEmail} activity, as configuration overrides, and
 * the waits it implies.
 *
 * @param initial the wait after the first failed attempt
 * @param coefficient how much each wait grows over the one before
 * @param maximum the longest wait
 */
public record Backoff(Duration initial, double coefficient, Duration maximum) {

  /** Waits of 1 s, 2 s, 4 s, then 8 s: with {@link AppProcess#FAST_RETRY}, minutes, not hours. */
  public static final Backoff FAST = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8));

  /** The {@code sendEmail.retry} overrides. */
  public Map<String, String> overrides() {
    return Map.of(
        "sendEmail.retry.initialInterval", initial.toMillis() + "ms",
        "sendEmail.retry.backoffCoefficient", Double.toString(coefficient),
        "sendEmail.retry.maximumInterval", maximum.toMillis() + "ms");
  }

  /** The wait after attempt {@code n} failed: {@code initial * coefficient^(n-1)}, capped. */
  public Duration after(int n) {
    double millis = initial.toMillis() * Math.pow(coefficient, n - 1);
    return Duration.ofMillis((long) Math.min(millis, maximum.toMillis()));
  }
}
