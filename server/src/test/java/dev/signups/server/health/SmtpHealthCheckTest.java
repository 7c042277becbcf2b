package dev.signups.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheck.Result;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.signups.activities.mail.SmtpEmailSender;
import dev.signups.activities.testing.Ports;
import dev.signups.activities.testing.TestSmtpSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmtpHealthCheckTest {

  private static final Duration CACHE_FOR = Duration.ofSeconds(10);

  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private GreenMail greenMail;

  @BeforeEach
  void startSmtpServer() {
    greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
  }

  @AfterEach
  void stopSmtpServer() {
    greenMail.stop();
  }

  @Test
  void shouldBeHealthyWhenTheServerAnswers() {
    Result result = healthCheck(greenMail.getSmtp().getPort()).execute();

    assertThat(result.isHealthy()).as(result.getMessage()).isTrue();
  }

  @Test
  void shouldBeUnhealthyNamingHostAndPortWhenNothingListens() throws IOException {
    int closedPort = Ports.free();

    Result result = healthCheck(closedPort).execute();

    assertThat(result.isHealthy()).isFalse();
    assertThat(result.getMessage()).contains("127.0.0.1:" + closedPort);
  }

  @Test
  void shouldReuseItsAnswerWithinTheCacheWindow() {
    int port = greenMail.getSmtp().getPort();
    SmtpHealthCheck check = healthCheck(port);
    assertThat(check.execute().isHealthy()).isTrue();

    greenMail.stop();
    clock.advance(CACHE_FOR.minusMillis(1));

    assertThat(check.execute().isHealthy()).as("answer cached, no new connection").isTrue();

    clock.advance(Duration.ofMillis(2));

    Result afterWindow = check.execute();
    assertThat(afterWindow.isHealthy()).as("window over, server probed again").isFalse();
    assertThat(afterWindow.getMessage()).contains("127.0.0.1:" + port);
  }

  @Test
  void shouldReuseAnUnhealthyAnswerAndRecoverAfterTheWindow() throws IOException {
    int port = Ports.free();
    SmtpHealthCheck check = healthCheck(port);
    assertThat(check.execute().isHealthy()).isFalse();

    GreenMail lateServer = new GreenMail(ServerSetupTest.SMTP.port(port));
    lateServer.start();
    try {
      clock.advance(CACHE_FOR.minusMillis(1));
      assertThat(check.execute().isHealthy()).as("answer cached").isFalse();

      clock.advance(Duration.ofMillis(2));
      assertThat(check.execute().isHealthy()).as("window over, server probed again").isTrue();
    } finally {
      lateServer.stop();
    }
  }

  private SmtpHealthCheck healthCheck(int port) {
    return new SmtpHealthCheck(
        new SmtpEmailSender(TestSmtpSettings.forServer("127.0.0.1", port, Duration.ofSeconds(2))),
        CACHE_FOR,
        clock);
  }

  /** A clock that stands still until told to move. */
  private static final class ManualClock extends Clock {
    private Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
