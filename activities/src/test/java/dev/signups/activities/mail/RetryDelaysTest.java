package dev.signups.activities.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.common.RetryOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryDelaysTest {

  private static final RetryOptions POLICY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofMinutes(10))
          .build();

  @ParameterizedTest(name = "attempt {0}: {1} s")
  @CsvSource({"1, 2", "2, 4", "3, 8", "9, 512", "10, 600", "30, 600"})
  void shouldWaitThePolicysBackoffWhenTheSpreadFallsInTheMiddle(int attempt, long seconds) {
    assertThat(new RetryDelays(0.3, Duration.ZERO).after(POLICY, attempt, 451, () -> 0.5))
        .isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void shouldSpreadByTheJitterEitherWay() {
    RetryDelays delays = new RetryDelays(0.25, Duration.ZERO);

    assertThat(delays.after(POLICY, 3, 451, () -> 0.0)).isEqualTo(Duration.ofSeconds(6));
    assertThat(delays.after(POLICY, 3, 451, () -> 0.999999))
        .isBetween(Duration.ofMillis(9_999), Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @CsvSource({"421", "450"})
  void shouldWaitAtLeastTheMinimumWhenAskedToSlowDown(int replyCode) {
    RetryDelays delays = new RetryDelays(0.2, Duration.ofMinutes(1));

    assertThat(delays.after(POLICY, 1, replyCode, () -> 0.5)).isEqualTo(Duration.ofMinutes(1));
    assertThat(delays.after(POLICY, 8, replyCode, () -> 0.5)).isEqualTo(Duration.ofSeconds(256));
  }

  @Test
  void shouldNotSlowDownForOtherTransientReplies() {
    assertThat(new RetryDelays(0, Duration.ofMinutes(1)).after(POLICY, 1, 451, () -> 0.5)).isNull();
  }

  @Test
  void shouldLeaveTheWaitToThePolicyWithoutSpreadOrMinimum() {
    assertThat(RetryDelays.NONE.after(POLICY, 3, 421, () -> 0.5)).isNull();
  }

  @Test
  void shouldRefuseAJitterOutsideZeroToOne() {
    assertThatThrownBy(() -> new RetryDelays(1.5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jitter must be from 0 to 1, not 1.5");
  }
}
