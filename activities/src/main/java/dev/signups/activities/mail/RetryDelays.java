package dev.signups.activities.mail;

import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The wait before the next attempt of an email whose attempt failed transiently: the retry policy's
 * own backoff for that attempt, spread at random by up to {@code jitter} of itself either way, so
 * that emails that failed together do not come back together; and, after a reply that asks the
 * sender to slow down, at least {@code slowDownAtLeast}.
 *
 * @param jitter the spread, a fraction of the backoff from 0 (none) to 1
 * @param slowDownAtLeast the shortest wait after a 421 or 450 reply; zero for no minimum
 */
public record RetryDelays(double jitter, Duration slowDownAtLeast) {

  /** Temporal's default cap on the backoff, as a multiple of the initial interval. */
  private static final int MAXIMUM_INTERVAL_MULTIPLE = 100;

  /** The policy's backoff as it is: no spread, no minimum. */
  public static final RetryDelays NONE = new RetryDelays(0, Duration.ZERO);

  public RetryDelays {
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be from 0 to 1, not " + jitter);
    }
    if (slowDownAtLeast.isNegative()) {
      throw new IllegalArgumentException("slowDownAtLeast must not be negative");
    }
  }

  /** Whether the reply code asks the sender to slow down: 421 (service busy) or 450 (try later). */
  static boolean asksToSlowDown(int replyCode) {
    return replyCode == 421 || replyCode == 450;
  }

  /**
   * The wait after attempt {@code attempt} (counted from 1) failed with {@code replyCode} under
   * {@code policy}, or null to leave it to the policy: when there is neither spread nor minimum, or
   * no policy.
   *
   * @param random a uniform value in [0, 1)
   */
  Duration after(RetryOptions policy, int attempt, int replyCode, DoubleSupplier random) {
    boolean slowDown = asksToSlowDown(replyCode) && !slowDownAtLeast.isZero();
    if (policy == null || (jitter == 0 && !slowDown)) {
      return null;
    }
    RetryOptions effective = RetryOptions.newBuilder(policy).validateBuildWithDefaults();
    double initial = effective.getInitialInterval().toMillis();
    double backoff =
        initial * Math.pow(effective.getBackoffCoefficient(), Math.max(0, attempt - 1));
    Duration maximum = effective.getMaximumInterval();
    double capped =
        Math.min(
            backoff, maximum == null ? initial * MAXIMUM_INTERVAL_MULTIPLE : maximum.toMillis());
    Duration spread =
        Duration.ofMillis(Math.round(capped * (1 + jitter * (2 * random.getAsDouble() - 1))));
    return slowDown && spread.compareTo(slowDownAtLeast) < 0 ? slowDownAtLeast : spread;
  }
}
