package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal server dies while signups wait between retries, and comes back on the same database
 * file: every signup resumes, and while it was down the API refused new ones with 503 rather than
 * accepting what it could not record.
 */
class TemporalRestartIT {

  private static final Logger log = LoggerFactory.getLogger(TemporalRestartIT.class);
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final int SIGNUPS = 5;

  @RegisterExtension static final RealServers servers = new RealServers();

  @Test
  void shouldResumeEverySignupAfterTheServerIsKilledAndRestartedOnItsDatabase() throws Exception {
    FaultySmtpServer smtp = servers.smtp();
    smtp.failTransactions(451, "4.3.0 Try again later");
    try (AppProcess app = servers.startApp(Map.of())) {
      SignupApi api = app.api(PATIENCE);
      List<String> addresses = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < SIGNUPS; i++) {
        addresses.add("user" + i + "@example.com");
        ids.add(api.signUpAccepted(addresses.get(i), "User " + i));
      }
      for (String id : ids) {
        api.awaitView(id, view -> view.get("attempts").asInt() >= 1);
      }

      servers.temporal().kill();
      Instant killedAt = Instant.now();
      HttpResponse<String> whileDown = api.signUp("late@example.com", "Late");
      Duration refusedAfter = Duration.between(killedAt, Instant.now());
      Duration startup = servers.temporal().restart();
      smtp.reset();
      Instant restartedAt = Instant.now();
      for (String id : ids) {
        api.awaitStatus(id, SignupApi.DELIVERED);
      }
      Duration resumed = Duration.between(restartedAt, Instant.now());
      log.info(
          "Temporal killed with {} signups in backoff: 503 after {} ms, restart took {} ms,"
              + " all delivered {} ms after it",
          SIGNUPS,
          refusedAfter.toMillis(),
          startup.toMillis(),
          resumed.toMillis());

      assertThat(whileDown.statusCode()).isEqualTo(503);
      assertThat(whileDown.body()).contains("not recorded");
      List<ReceivedMessage> delivered =
          addresses.stream().flatMap(address -> smtp.receivedBy(address).stream()).toList();
      assertThat(delivered).hasSize(SIGNUPS);
      assertThat(delivered.stream().map(ReceivedMessage::messageId).distinct()).hasSize(SIGNUPS);
      assertThat(
              api.awaitStatus(api.signUpAccepted("late@example.com", "Late"), SignupApi.DELIVERED))
          .isNotNull();
    }
  }
}
