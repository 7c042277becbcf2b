package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.Inbox;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees with the {@code temporal} CLI after real signups: one delivered after two
 * 451 replies and awaiting confirmation, one confirmed, one rejected with 550, and one still
 * retrying until the operator terminates it.
 */
class TemporalCliIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final ObjectMapper json = new ObjectMapper();

  @RegisterExtension static final RealServers servers = new RealServers();

  private static AppProcess app;
  private static String retried;
  private static String rejected;
  private static String confirmed;

  @BeforeAll
  static void signUpFourWays() throws Exception {
    app = servers.startApp(Map.of());
    SignupApi api = app.api(PATIENCE);
    servers.smtp().rejectRecipient("nobody@example.com", 550, "5.1.1 No such user");
    rejected = api.signUpAccepted("nobody@example.com", "Nobody");
    api.awaitStatus(rejected, "DELIVERY_FAILED");
    servers.smtp().failNextTransactions(2, 451, "4.3.0 Mailbox temporarily unavailable");
    retried = api.signUpAccepted("grace@example.com", "Grace");
    api.awaitStatus(retried, SignupApi.DELIVERED);
    confirmed = api.signUpAccepted("ada@example.com", "Ada");
    Inbox inbox = new Inbox(servers.smtp(), PATIENCE);
    api.follow(Inbox.link(inbox.await("ada@example.com", 1).get(0)));
    inbox.awaitLatest("ada@example.com", Inbox.WELCOME_SUBJECT);
    api.awaitStatus(confirmed, "CONFIRMED");
  }

  @AfterAll
  static void stopTheApplication() throws Exception {
    app.close();
  }

  @Test
  void describeShouldShowStatusAttemptsAndTheSmtpReplyOfAFailedSignup() throws Exception {
    String describe = decoded("workflow", "describe", "--workflow-id", rejected);

    assertThat(describe)
        .contains("SignupWorkflow", "DELIVERY_FAILED", "550 5.1.1 No such user")
        .contains("SignupStatus", "SignupAttempts")
        .doesNotContain("\tat ", "Exception");
  }

  @Test
  void showShouldHoldTheConfiguredRetryPolicyAndTheAttemptsOfARetriedSignup() throws Exception {
    JsonNode events =
        json.readTree(decoded("workflow", "show", "--workflow-id", retried, "--output", "json"))
            .get("events");

    JsonNode scheduled = event(events, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED");
    JsonNode policy = scheduled.get("activityTaskScheduledEventAttributes").get("retryPolicy");
    assertThat(
            scheduled.get("activityTaskScheduledEventAttributes").at("/activityType/name").asText())
        .isEqualTo("SendEmail");
    assertThat(policy.get("initialInterval").asText()).isEqualTo("2s");
    assertThat(policy.get("backoffCoefficient").asDouble()).isEqualTo(2.0);
    assertThat(policy.get("maximumInterval").asText()).isEqualTo("600s");
    assertThat(policy.get("nonRetryableErrorTypes").toString())
        .contains("PermanentEmailFailure", "InvalidEmailRequest");
    JsonNode started =
        event(events, "EVENT_TYPE_ACTIVITY_TASK_STARTED").get("activityTaskStartedEventAttributes");
    assertThat(started.get("attempt").asInt()).isEqualTo(3);
    assertThat(started.at("/lastFailure/message").asText()).isEqualTo("Encoded failure");
    JsonNode decrypted =
        json.readTree(
            Base64.getDecoder().decode(started.at("/lastFailure/encodedAttributes/data").asText()));
    assertThat(decrypted.get("message").asText())
        .isEqualTo("451 4.3.0 Mailbox temporarily unavailable");
  }

  @Test
  void listShouldFindExactlyTheSignupsASearchAttributeQueryNames() throws Exception {
    assertThat(listed("SignupStatus = 'DELIVERY_FAILED'")).containsExactly(rejected);
    assertThat(listed("SignupStatus = 'AWAITING_CONFIRMATION'")).containsExactly(retried);
    assertThat(listed("SignupStatus = 'CONFIRMED'")).containsExactly(confirmed);
    assertThat(listed("SignupAttempts > 1")).containsExactly(retried);
  }

  @Test
  void describeShouldShowASignupAwaitingConfirmationRunningWithNothingPending() throws Exception {
    String describe = temporal("workflow", "describe", "--workflow-id", retried);

    assertThat(describe)
        .contains("AWAITING_CONFIRMATION", "Pending Activities: 0")
        .doesNotContain("CloseTime", "Results:");
    assertThat(temporal("workflow", "list", "--query", "SignupStatus = 'AWAITING_CONFIRMATION'"))
        .containsPattern("Running +" + retried + " +SignupWorkflow");
  }

  @Test
  void showShouldHoldTheConfirmationAndTheWelcomeEmailOfAConfirmedSignup() throws Exception {
    String show = temporal("workflow", "show", "--workflow-id", confirmed);
    JsonNode events =
        json.readTree(temporal("workflow", "show", "--workflow-id", confirmed, "--output", "json"))
            .get("events");

    assertThat(show)
        .contains(
            "TimerStarted", "WorkflowExecutionUpdateAccepted", "WorkflowExecutionUpdateCompleted")
        .doesNotContain("WorkflowExecutionCompleted", "Results:");
    assertThat(events.findValuesAsText("name")).contains("SendEmail", "SendWelcomeEmail");
  }

  @Test
  void describeShouldShowTheAttemptAndLastFailureOfASignupStillRetrying() throws Exception {
    servers.smtp().failTransactions(421, "4.3.2 Service shutting down");
    SignupApi api = app.api(PATIENCE);
    String retrying = api.signUpAccepted("lin@example.com", "Lin");
    api.awaitView(retrying, view -> view.get("attempts").asInt() >= 1);

    String describe = decoded("workflow", "describe", "--workflow-id", retrying);

    assertThat(describe).contains("Pending Activities", "SendEmail", "421 4.3.2");
    temporal("workflow", "terminate", "--workflow-id", retrying, "--reason", "operator test");
    JsonNode terminated =
        json.readTree(
            temporal("workflow", "describe", "--workflow-id", retrying, "--output", "json"));
    assertThat(terminated.at("/workflowExecutionInfo/status").asText())
        .isEqualTo("WORKFLOW_EXECUTION_STATUS_TERMINATED");
  }

  private static List<String> listed(String query) throws Exception {
    String lines = temporal("workflow", "list", "--query", query, "--output", "jsonl");
    List<String> ids = new ArrayList<>();
    for (String line : lines.strip().split("\n")) {
      if (!line.isBlank()) {
        ids.add(json.readTree(line).at("/execution/workflowId").asText());
      }
    }
    return ids;
  }

  private static JsonNode event(JsonNode events, String type) {
    return StreamSupport.stream(events.spliterator(), false)
        .filter(e -> e.get("eventType").asText().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + type));
  }

  /** Runs the pinned {@code temporal} CLI against the test's server and returns what it printed. */
  private static String temporal(String... arguments) throws Exception {
    return servers.temporal().cli(arguments);
  }

  /**
   * Runs the CLI as {@link #temporal} does, decoding payloads and failure messages through the
   * application's codec endpoint, as an operator does.
   */
  private static String decoded(String... arguments) throws Exception {
    List<String> withCodec = new ArrayList<>(List.of(arguments));
    withCodec.addAll(List.of("--codec-endpoint", app.codecEndpoint().toString()));
    return temporal(withCodec.toArray(String[]::new));
  }
}
