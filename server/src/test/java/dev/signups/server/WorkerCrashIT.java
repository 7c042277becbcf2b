package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once {@code POST /signups} has answered 202 the email goes out, whatever happens to the worker:
 * the application runs as its own process from the shaded jar and is killed or stopped mid-send.
 */
class WorkerCrashIT {

  private static final Logger log = LoggerFactory.getLogger(WorkerCrashIT.class);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** How long the SMTP server takes to accept each message: the window to stop the worker in. */
  private static final Duration SEND_TIME = Duration.ofSeconds(3);

  /** A lost attempt is retried after startToCloseTimeout plus the first backoff (2s). */
  private static final Map<String, String> FAST_RETRY =
      Map.of(
          "sendEmail.startToCloseTimeout", "5s",
          "smtp.connectTimeout", "2s",
          "smtp.readTimeout", "4s",
          "smtp.writeTimeout", "4s");

  @RegisterExtension static final RealServers servers = new RealServers();

  private FaultySmtpServer smtp;

  @BeforeEach
  void useTheSmtpServer() {
    smtp = servers.smtp();
  }

  @Test
  void shouldDeliverWithTheSameMessageIdAfterTheWorkerIsKilledMidSend() throws Exception {
    smtp.delayData(SEND_TIME);
    String id;
    Instant killedAt;
    try (AppProcess first = start()) {
      SignupApi api = first.api(PATIENCE);
      int connections = smtp.connections();
      id = api.idOf(api.signUp("crash@example.com", "Crash"));
      awaitSendInProgress(connections);
      first.kill();
      killedAt = Instant.now();
    }
    smtp.delayData(Duration.ZERO);

    try (AppProcess second = start()) {
      JsonNode sent = second.api(PATIENCE).awaitStatus(id, "SENT");
      Duration recovery = Duration.between(killedAt, Instant.now());
      List<ReceivedMessage> copies = messagesTo("crash@example.com");
      log.info(
          "Worker killed mid-send: SENT {} ms after the kill, {} copies with one Message-ID",
          recovery.toMillis(),
          copies.size());

      assertThat(sent.get("attempts").asInt()).isEqualTo(2);
      assertThat(copies)
          .isNotEmpty()
          .allSatisfy(
              copy -> assertThat(copy.messageId()).isEqualTo(sent.get("messageId").asText()));
      assertThat(recovery).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void shouldFinishTheRunningSendOnSigtermAndExitWithinTheGracePeriod() throws Exception {
    smtp.delayData(SEND_TIME);
    String id;
    try (AppProcess app = start()) {
      SignupApi api = app.api(PATIENCE);
      int connections = smtp.connections();
      id = api.idOf(api.signUp("graceful@example.com", "Graceful"));
      awaitSendInProgress(connections);

      Duration exit = app.terminate(PATIENCE);
      log.info("SIGTERM mid-send: exited after {} ms", exit.toMillis());

      assertThat(exit).isLessThan(Duration.ofSeconds(30));
      assertThat(messagesTo("graceful@example.com")).hasSize(1);
    }

    try (AppProcess next = start()) {
      JsonNode sent = next.api(PATIENCE).awaitStatus(id, "SENT");

      assertThat(sent.get("attempts").asInt()).isEqualTo(1);
      assertThat(messagesTo("graceful@example.com")).hasSize(1);
    }
  }

  private AppProcess start() throws Exception {
    return AppProcess.start(
        Map.of(
            "TEMPORAL_ADDRESS", servers.temporal().target(),
            "SMTP_HOST", smtp.host(),
            "SMTP_PORT", Integer.toString(smtp.port()),
            "SIGNUP_ID_SECRET", "worker-crash-test-secret-of-32-characters"),
        FAST_RETRY);
  }

  /** Waits for the worker to open its SMTP connection, then for the message to be under way. */
  private void awaitSendInProgress(int connectionsBefore) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (smtp.connections() <= connectionsBefore) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("The worker never connected to the SMTP server");
      }
      Thread.sleep(20);
    }
    Thread.sleep(SEND_TIME.toMillis() / 3);
  }

  private List<ReceivedMessage> messagesTo(String address) {
    return smtp.received().stream().filter(m -> m.recipients().contains(address)).toList();
  }
}
