package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.Inbox;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import dev.signups.server.testing.TemporalDevServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path on real processes: a Temporal dev server with its SQLite file, the application
 * built from the shipped {@code config.yml}, and an SMTP server that can be told to fail.
 */
class SignupEndToEndIT {

  private static final Duration DELIVERY = Duration.ofSeconds(30);
  private static final String SIGNUP_ID_SECRET = "end-to-end-test-secret-of-32-characters";

  /** The message of a failure whose message and stack trace are encrypted. */
  private static final String ENCODED = "Encoded failure";

  @RegisterExtension static final RealServers servers = new RealServers();

  private static TemporalDevServer temporal;
  private static FaultySmtpServer smtp;
  private static DropwizardTestSupport<SignupConfiguration> app;
  private static SignupApi api;
  private static Inbox inbox;
  private static WorkflowClient client;

  @BeforeAll
  static void startTheApplication() throws Exception {
    temporal = servers.temporal();
    smtp = servers.smtp();
    app =
        new DropwizardTestSupport<>(
            SignupApplication.class,
            "config.yml",
            ConfigOverride.config("temporal.target", temporal.target()),
            ConfigOverride.config("smtp.host", smtp.host()),
            ConfigOverride.config("smtp.port", Integer.toString(smtp.port())),
            ConfigOverride.config("signupIdSecret", SIGNUP_ID_SECRET),
            ConfigOverride.config(
                "confirmation.tokenSecret", "end-to-end-token-secret-of-32-characters"),
            ConfigOverride.config("payloadEncryption.keys", RealServers.PAYLOAD_KEYS),
            ConfigOverride.config("server.applicationConnectors[0].port", "0"),
            ConfigOverride.config("server.adminConnectors[0].port", "0"));
    app.before();
    inbox = new Inbox(smtp, DELIVERY);
    api = new SignupApi(app.getLocalPort(), app.getAdminPort(), SIGNUP_ID_SECRET, DELIVERY);
    client =
        WorkflowClient.newInstance(
            temporal.stubs(),
            WorkflowClientOptions.newBuilder()
                .setDataConverter(app.getConfiguration().getPayloadEncryption().dataConverter())
                .build());
  }

  @AfterAll
  static void stopTheApplication() {
    client.getWorkflowServiceStubs().shutdownNow();
    app.after();
  }

  @Test
  void shouldDeliverTheConfirmationEmailUnderTheConfiguredPolicy() throws Exception {
    HttpResponse<String> accepted = api.signUp("ada@example.com", "Ada");

    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(accepted.body()).isEqualTo(SignupApi.ACCEPTED);
    assertThat(accepted.headers().firstValue("Location")).isEmpty();
    String id = api.idOf("ada@example.com");
    ReceivedMessage email = inbox.await("ada@example.com", 1).get(0);
    JsonNode view = api.awaitStatus(id, SignupApi.DELIVERED);
    assertThat(view.get("attempts").asInt()).isEqualTo(1);
    assertThat(view.get("messageId").asText()).isEqualTo(email.messageId());
    assertThat(Inbox.subject(email)).isEqualTo(Inbox.CONFIRMATION_SUBJECT);
    assertThat(client.newUntypedWorkflowStub(id).describe().getStaticSummary())
        .isEqualTo("Signup of a***@example.com");

    ActivityTaskScheduledEventAttributes scheduled =
        event(id, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .getActivityTaskScheduledEventAttributes();
    assertThat(scheduled.getActivityType().getName()).isEqualTo("SendEmail");
    assertThat(scheduled.getStartToCloseTimeout().getSeconds()).isEqualTo(30);
    assertThat(scheduled.getScheduleToCloseTimeout().getSeconds())
        .isEqualTo(Duration.ofHours(24).toSeconds());
    RetryPolicy retry = scheduled.getRetryPolicy();
    assertThat(retry.getInitialInterval().getSeconds()).isEqualTo(2);
    assertThat(retry.getBackoffCoefficient()).isEqualTo(2.0);
    assertThat(retry.getMaximumInterval().getSeconds()).isEqualTo(600);
    assertThat(retry.getMaximumAttempts()).isZero();
    assertThat(retry.getNonRetryableErrorTypesList())
        .containsExactly("PermanentEmailFailure", "InvalidEmailRequest");
  }

  @Test
  void shouldRetryWithBackoffUntilSmtpRecovers() throws Exception {
    smtp.failNextTransactions(2, 451, "4.3.0 Mailbox temporarily unavailable");

    String id = api.signUpAccepted("grace@example.com", "Grace");

    JsonNode retrying =
        api.awaitView(
            id, v -> v.get("status").asText().equals("SENDING") && !v.get("lastError").isNull());
    assertThat(retrying.get("attempts").asInt()).isPositive();
    assertThat(retrying.get("lastError").asText()).contains("451", "temporarily unavailable");
    inbox.await("grace@example.com", 1);
    JsonNode sent = api.awaitStatus(id, SignupApi.DELIVERED);
    assertThat(sent.get("attempts").asInt()).isEqualTo(3);
    ActivityTaskStartedEventAttributes started =
        event(id, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
            .getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(3);
    Failure lastFailure = started.getLastFailure();
    assertThat(lastFailure.getMessage()).as("encrypted, as every payload").isEqualTo(ENCODED);
    Map<?, ?> decoded =
        client
            .getOptions()
            .getDataConverter()
            .fromPayload(lastFailure.getEncodedAttributes(), Map.class, Map.class);
    assertThat(decoded.get("message")).isEqualTo("451 4.3.0 Mailbox temporarily unavailable");
    assertThat(decoded.get("stack_trace")).isEqualTo("");
  }

  @Test
  void shouldEndDeliveryFailedAfterOneAttemptWhenTheRecipientIsRejected() throws Exception {
    smtp.rejectRecipient("nobody@example.com", 550, "5.1.1 No such user");

    String id = api.signUpAccepted("nobody@example.com", "Nobody");

    JsonNode failed = api.awaitStatus(id, "DELIVERY_FAILED");
    assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    assertThat(failed.get("lastError").asText()).contains("550", "No such user");
    assertThat(failed.get("lastError").asText()).doesNotContain("Exception", "\tat ");
    assertThat(smtp.receivedBy("nobody@example.com")).isEmpty();
  }

  @Test
  void shouldListFailedSignupsInTheDeadLetterViewOnly() throws Exception {
    smtp.rejectRecipient("bounced@example.com", 550, "5.1.1 No such user");
    String failed = api.signUpAccepted("bounced@example.com", "Bounced");
    String sent = api.signUpAccepted("kept@example.com", "Kept");
    api.awaitStatus(failed, "DELIVERY_FAILED");
    api.awaitStatus(sent, SignupApi.DELIVERED);

    JsonNode listed = api.awaitListed("DELIVERY_FAILED", failed);
    JsonNode awaiting = api.awaitListed(SignupApi.DELIVERED, sent);

    assertThat(listed.get("attempts").asLong()).isEqualTo(1);
    assertThat(listed.get("lastError").asText()).contains("550", "No such user");
    assertThat(listed.get("closedAt").isNull()).isFalse();
    assertThat(awaiting.get("closedAt").isNull()).as("still waiting for the click").isTrue();
    assertThat(api.list("DELIVERY_FAILED").findValuesAsText("id")).doesNotContain(sent);
  }

  @Test
  void shouldSendOneEmailForRepeatedSignupsWhileTheFirstIsRunning() throws Exception {
    smtp.delayData(Duration.ofSeconds(2));

    HttpResponse<String> first = api.signUp("lin@example.com", "Lin");
    HttpResponse<String> second = api.signUp("Lin@Example.com", "Lin");

    assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(202);
    assertThat(second.body()).isEqualTo(first.body()).isEqualTo(SignupApi.ACCEPTED);
    api.awaitStatus(api.idOf("lin@example.com"), SignupApi.DELIVERED);
    assertThat(smtp.receivedBy("lin@example.com")).hasSize(1);
  }

  private static HistoryEvent event(String workflowId, EventType type) {
    return temporal.history(workflowId).stream()
        .filter(e -> e.getEventType() == type)
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + type + " in the history of " + workflowId));
  }
}
