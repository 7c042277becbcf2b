package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.TemporalDevServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path on real processes: a Temporal dev server with its SQLite file, the application
 * built from the shipped {@code config.yml}, and an SMTP server that can be told to fail.
 */
class SignupEndToEndIT {

  private static final Duration DELIVERY = Duration.ofSeconds(30);
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  private static TemporalDevServer temporal;
  private static FaultySmtpServer smtp;
  private static DropwizardTestSupport<SignupConfiguration> app;
  private static WorkflowClient client;

  @BeforeAll
  static void startEverything() throws Exception {
    temporal = TemporalDevServer.start();
    smtp = FaultySmtpServer.start();
    app =
        new DropwizardTestSupport<>(
            SignupApplication.class,
            "config.yml",
            ConfigOverride.config("temporal.target", temporal.target()),
            ConfigOverride.config("smtp.host", smtp.host()),
            ConfigOverride.config("smtp.port", Integer.toString(smtp.port())),
            ConfigOverride.config("signupIdSecret", "end-to-end-test-secret-of-32-characters"),
            ConfigOverride.config("server.applicationConnectors[0].port", "0"),
            ConfigOverride.config("server.adminConnectors[0].port", "0"));
    app.before();
    client =
        WorkflowClient.newInstance(
            WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build()));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    client.getWorkflowServiceStubs().shutdownNow();
    app.after();
    smtp.close();
    temporal.close();
  }

  @AfterEach
  void acceptEverythingAgain() {
    smtp.reset();
  }

  @Test
  void shouldDeliverTheConfirmationEmailUnderTheConfiguredPolicy() throws Exception {
    HttpResponse<String> accepted = signUp("ada@example.com", "Ada");

    assertThat(accepted.statusCode()).isEqualTo(202);
    String id = json.readTree(accepted.body()).get("id").asText();
    assertThat(accepted.headers().firstValue("Location")).hasValueSatisfying(l -> l.endsWith(id));
    ReceivedMessage email = awaitMessageTo("ada@example.com");
    JsonNode view = awaitStatus(id, "SENT");
    assertThat(view.get("attempts").asInt()).isEqualTo(1);
    assertThat(view.get("messageId").asText()).isEqualTo(email.messageId());
    assertThat(email.parse().getSubject()).isEqualTo("Please confirm your email address");
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

    String id = idOf(signUp("grace@example.com", "Grace"));

    JsonNode retrying =
        awaitView(
            id, v -> v.get("status").asText().equals("SENDING") && !v.get("lastError").isNull());
    assertThat(retrying.get("attempts").asInt()).isPositive();
    assertThat(retrying.get("lastError").asText()).contains("451", "temporarily unavailable");
    awaitMessageTo("grace@example.com");
    JsonNode sent = awaitStatus(id, "SENT");
    assertThat(sent.get("attempts").asInt()).isEqualTo(3);
    ActivityTaskStartedEventAttributes started =
        event(id, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
            .getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(3);
    assertThat(started.getLastFailure().getMessage())
        .isEqualTo("451 4.3.0 Mailbox temporarily unavailable");
    assertThat(started.getLastFailure().getStackTrace()).isEmpty();
  }

  @Test
  void shouldEndDeliveryFailedAfterOneAttemptWhenTheRecipientIsRejected() throws Exception {
    smtp.rejectRecipient("nobody@example.com", 550, "5.1.1 No such user");

    String id = idOf(signUp("nobody@example.com", "Nobody"));

    JsonNode failed = awaitStatus(id, "DELIVERY_FAILED");
    assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    assertThat(failed.get("lastError").asText()).contains("550", "No such user");
    assertThat(failed.get("lastError").asText()).doesNotContain("Exception", "\tat ");
    assertThat(smtp.received())
        .noneMatch(message -> message.recipients().contains("nobody@example.com"));
  }

  @Test
  void shouldListFailedSignupsInTheDeadLetterViewOnly() throws Exception {
    smtp.rejectRecipient("bounced@example.com", 550, "5.1.1 No such user");
    String failed = idOf(signUp("bounced@example.com", "Bounced"));
    String sent = idOf(signUp("kept@example.com", "Kept"));
    awaitStatus(failed, "DELIVERY_FAILED");
    awaitStatus(sent, "SENT");

    JsonNode listed = awaitListed("DELIVERY_FAILED", failed);
    awaitListed("SENT", sent);

    assertThat(listed.get("attempts").asLong()).isEqualTo(1);
    assertThat(listed.get("lastError").asText()).contains("550", "No such user");
    assertThat(listed.get("closedAt").isNull()).isFalse();
    assertThat(list("DELIVERY_FAILED").findValuesAsText("id")).doesNotContain(sent);
  }

  @Test
  void shouldSendOneEmailForRepeatedSignupsWhileTheFirstIsRunning() throws Exception {
    smtp.delayData(Duration.ofSeconds(2));

    HttpResponse<String> first = signUp("lin@example.com", "Lin");
    HttpResponse<String> second = signUp("Lin@Example.com", "Lin");

    assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(202);
    assertThat(second.body()).isEqualTo(first.body());
    awaitStatus(idOf(first), "SENT");
    assertThat(smtp.received())
        .filteredOn(message -> message.recipients().contains("lin@example.com"))
        .hasSize(1);
  }

  private static HttpResponse<String> signUp(String email, String name)
      throws IOException, InterruptedException {
    String body = json.writeValueAsString(java.util.Map.of("email", email, "name", name));
    return http.send(
        HttpRequest.newBuilder(api("/signups"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String idOf(HttpResponse<String> accepted) throws IOException {
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    return json.readTree(accepted.body()).get("id").asText();
  }

  private static JsonNode awaitStatus(String id, String status) throws Exception {
    return awaitView(id, view -> view.get("status").asText().equals(status));
  }

  private static JsonNode awaitView(String id, Predicate<JsonNode> condition) throws Exception {
    Instant deadline = Instant.now().plus(DELIVERY);
    JsonNode view = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(api("/signups/" + id)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      view = json.readTree(response.body());
      if (condition.test(view)) {
        return view;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Signup " + id + " never reached the expected state; last: " + view);
  }

  /** Waits for Temporal's visibility store, which trails the workflows, to list {@code id}. */
  private static JsonNode awaitListed(String status, String id) throws Exception {
    Instant deadline = Instant.now().plus(DELIVERY);
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode signup : list(status).get("signups")) {
        if (signup.get("id").asText().equals(id)) {
          assertThat(signup.get("status").asText()).isEqualTo(status);
          return signup;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + " never listed under " + status);
  }

  private static JsonNode list(String status) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(api("/signups?status=" + status + "&pageSize=100")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private static ReceivedMessage awaitMessageTo(String address) throws Exception {
    Instant deadline = Instant.now().plus(DELIVERY);
    while (Instant.now().isBefore(deadline)) {
      List<ReceivedMessage> matching =
          smtp.received().stream().filter(m -> m.recipients().contains(address)).toList();
      if (!matching.isEmpty()) {
        return matching.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("No email reached " + address + " within " + DELIVERY);
  }

  private static HistoryEvent event(String workflowId, EventType type) {
    return client.fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == type)
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + type + " in the history of " + workflowId));
  }

  private static URI api(String path) {
    return URI.create("http://127.0.0.1:" + app.getLocalPort() + path);
  }
}
