package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once {@code POST /signups} has answered 202 the email goes out, whatever happens to the worker:
 * the application runs as its own processes from the shaded jar, which are killed or stopped
 * mid-send.
 */
class WorkerCrashIT {

  private static final Logger log = LoggerFactory.getLogger(WorkerCrashIT.class);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** How long the SMTP server takes to accept each message: the window to stop the worker in. */
  private static final Duration SEND_TIME = Duration.ofSeconds(3);

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
      id = signUpAndAwaitSend(first.api(PATIENCE), "crash@example.com");
      first.kill();
      killedAt = Instant.now();
    }
    smtp.delayData(Duration.ZERO);

    try (AppProcess second = start()) {
      JsonNode sent = second.api(PATIENCE).awaitStatus(id, SignupApi.DELIVERED);
      Duration recovery = Duration.between(killedAt, Instant.now());
      List<ReceivedMessage> copies = smtp.receivedBy("crash@example.com");
      log.info(
          "Worker killed mid-send: delivered {} ms after the kill, {} copies with one Message-ID",
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
      id = signUpAndAwaitSend(app.api(PATIENCE), "graceful@example.com");

      Duration exit = app.terminate(PATIENCE);
      log.info("SIGTERM mid-send: exited after {} ms", exit.toMillis());

      assertThat(exit).isLessThan(Duration.ofSeconds(30));
      assertThat(smtp.receivedBy("graceful@example.com")).hasSize(1);
    }

    try (AppProcess next = start()) {
      JsonNode sent = next.api(PATIENCE).awaitStatus(id, SignupApi.DELIVERED);

      assertThat(sent.get("attempts").asInt()).isEqualTo(1);
      assertThat(smtp.receivedBy("graceful@example.com")).hasSize(1);
    }
  }

  @Test
  void shouldFinishOnTheSurvivingWorkerWhenTheOneSendingIsKilled() throws Exception {
    smtp.delayData(SEND_TIME);
    try (AppProcess api = start("api");
        AppProcess first = start("worker");
        AppProcess second = start("worker")) {
      SignupApi signups = api.api(PATIENCE);
      String id = signUpAndAwaitSend(signups, "scale@example.com");
      long sending = Long.parseLong(sendingWorker(id).split("@")[0]);
      AppProcess victim = sending == first.pid() ? first : second;
      assertThat(victim.pid()).isEqualTo(sending);

      victim.kill();
      smtp.delayData(Duration.ZERO);
      JsonNode sent = signups.awaitStatus(id, SignupApi.DELIVERED);

      assertThat(sent.get("attempts").asInt()).isEqualTo(2);
      String survivor = Long.toString((victim == first ? second : first).pid());
      assertThat(sendingWorkerOfLastAttempt(id)).startsWith(survivor + "@");
    }
  }

  private AppProcess start() throws Exception {
    return start("api,worker");
  }

  private AppProcess start(String roles) throws Exception {
    Map<String, String> overrides = new HashMap<>(AppProcess.FAST_RETRY);
    overrides.put("roles", roles);
    return servers.startApp(overrides);
  }

  /** The identity of the worker running the signup's pending SendEmail attempt. */
  private String sendingWorker(String id) {
    return describe(id).getPendingActivities(0).getLastWorkerIdentity();
  }

  /** The identity of the worker whose attempt completed the signup's SendEmail activity. */
  private String sendingWorkerOfLastAttempt(String id) {
    return servers.temporal().history(id).stream()
        .filter(e -> e.hasActivityTaskStartedEventAttributes())
        .map(e -> e.getActivityTaskStartedEventAttributes().getIdentity())
        .reduce((earlier, later) -> later)
        .orElseThrow();
  }

  private DescribeWorkflowExecutionResponse describe(String id) {
    WorkflowServiceStubs stubs = servers.temporal().stubs();
    try {
      return stubs
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace("default")
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                  .build());
    } finally {
      stubs.shutdownNow();
    }
  }

  /**
   * Signs {@code email} up and returns its id once a worker has opened its SMTP connection and the
   * message is under way.
   */
  private String signUpAndAwaitSend(SignupApi api, String email) throws Exception {
    int connectionsBefore = smtp.connections();
    String id = api.signUpAccepted(email, "Signup");
    Instant deadline = Instant.now().plus(PATIENCE);
    while (smtp.connections() <= connectionsBefore) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("The worker never connected to the SMTP server");
      }
      Thread.sleep(20);
    }
    Thread.sleep(SEND_TIME.toMillis() / 3);
    return id;
  }
}
