package dev.signups.server.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A retry policy for the application's {@code sendEmail} activity, as configuration overrides, and
 * the waits it implies.
 *
 * @param initial the wait after the first failed attempt
 * @param coefficient how much each wait grows over the one before
 * @param maximum the longest wait
 * @param jitter how far each wait is spread, as a fraction of the backoff either way
 */
public record Backoff(Duration initial, double coefficient, Duration maximum, double jitter) {

  /**
   * Waits of 1 s, 2 s, 4 s, then 8 s, exactly, not spread, and no longer after a 421 than the
   * backoff says: with {@link AppProcess#FAST_RETRY}, minutes, not hours.
   */
  public static final Backoff FAST =
      new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8), 0);

  public Backoff withJitter(double jitter) {
    return new Backoff(initial, coefficient, maximum, jitter);
  }

  /**
   * The {@code sendEmail.retry} overrides for {@code build}: builds before the jitter (version N of
   * the deploy scenario) know neither it nor the slowing down after a 421, and refuse the keys.
   */
  public Map<String, String> overrides(AppBuild build) {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("sendEmail.retry.initialInterval", initial.toMillis() + "ms");
    overrides.put("sendEmail.retry.backoffCoefficient", Double.toString(coefficient));
    overrides.put("sendEmail.retry.maximumInterval", maximum.toMillis() + "ms");
    if (build.equals(AppBuild.current())) {
      overrides.put("sendEmail.retry.jitter", Double.toString(jitter));
      overrides.put("sendEmail.retry.slowDownAtLeast", "0s");
    }
    return overrides;
  }

  /** The wait after attempt {@code n} failed: {@code initial * coefficient^(n-1)}, capped. */
  public Duration after(int n) {
    double millis = initial.toMillis() * Math.pow(coefficient, n - 1);
    return Duration.ofMillis((long) Math.min(millis, maximum.toMillis()));
  }

  /** The longest the wait after attempt {@code n} may be: the backoff stretched by the jitter. */
  public Duration longest(int n) {
    return Duration.ofMillis((long) (after(n).toMillis() * (1 + jitter)));
  }
}
