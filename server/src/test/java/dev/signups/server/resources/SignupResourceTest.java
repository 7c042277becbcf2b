package dev.signups.server.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uber.m3.tally.NoopScope;
import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.links.ConfirmationLinks;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.activities.mail.SendEmailActivityImpl;
import dev.signups.activities.mail.SmtpEmailSender;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.activities.testing.Ports;
import dev.signups.activities.testing.TestSmtpSettings;
import dev.signups.server.ApiSettings;
import dev.signups.server.SignupApplication;
import dev.signups.server.core.SignupCommands;
import dev.signups.server.core.SignupIds;
import dev.signups.server.core.SignupReads;
import dev.signups.server.limits.RateLimits;
import dev.signups.server.temporal.ActivityOptionsFactory;
import dev.signups.server.temporal.TemporalFactory;
import dev.signups.server.testing.Inbox;
import dev.signups.workflows.ConfirmationPolicy;
import dev.signups.workflows.SignupSearchAttributes;
import dev.signups.workflows.SignupState;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflow;
import dev.signups.workflows.SignupWorkflows;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.util.DataSize;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP API and the confirmation pages on a real Jetty, wired as {@code SignupApplication.run}
 * wires them, in front of an in-memory Temporal server running the real workflow, whose real
 * activity sends to a real SMTP server. The Temporal server's clock runs in real time until a test
 * skips it forward, past a resend cooldown or a confirmation window; the API reads the same clock.
 */
class SignupResourceTest {

  private static final String SECRET = "resource-test-secret-of-at-least-32-characters";
  private static final String TOKEN_SECRET = "resource-test-token-secret-of-32-characters";
  private static final String TASK_QUEUE = "signups-resource-test";
  private static final ConfirmationPolicy POLICY = ConfirmationPolicy.DEFAULT;
  private static final int MAX_BODY_BYTES = 16 * 1024;
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final String ACCEPTED = "{\"status\":\"ACCEPTED\"}";
  private static final RateLimits.Limit UNLIMITED =
      new RateLimits.Limit(1_000_000, Duration.ofMinutes(1));

  private static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final ObjectMapper json = new ObjectMapper();
  private static final SignupIds ids = new SignupIds(SECRET);
  private static final ConfirmationTokens tokens = new ConfirmationTokens(TOKEN_SECRET);

  private static FaultySmtpServer smtp;
  private static Inbox inbox;
  private static TestWorkflowEnvironment temporal;
  private static GatedSendEmail activity;
  private static DropwizardTestSupport<Configuration> app;

  @BeforeAll
  static void start() throws Exception {
    smtp = FaultySmtpServer.start();
    inbox = new Inbox(smtp, PATIENCE);
    temporal = TestWorkflowEnvironment.newInstance();
    SignupSearchAttributes.TYPES.forEach(temporal::registerSearchAttribute);
    app = startApi(environment -> temporal.getWorkflowClient());

    Worker worker = temporal.newWorker(TASK_QUEUE);
    ActivityOptions options = new ActivityOptionsFactory().build();
    SignupWorkflows.register(
        worker, Map.of(SendEmailActivity.TYPE, options, SendEmailActivity.WELCOME_TYPE, options));
    ConfirmationLinks links =
        new ConfirmationLinks(tokens, "http://127.0.0.1:" + app.getLocalPort());
    activity =
        new GatedSendEmail(
            new SendEmailActivityImpl(
                new SmtpEmailSender(TestSmtpSettings.forServer(smtp)), links));
    worker.registerActivitiesImplementations(activity, links);
    temporal.start();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.after();
    }
    if (temporal != null) {
      activity.open();
      temporal.close();
    }
    if (smtp != null) {
      smtp.close();
    }
  }

  @BeforeEach
  void countAttemptsFromZero() {
    activity.reset();
  }

  @AfterEach
  void acceptEveryRecipientAgain() {
    smtp.reset();
  }

  @Test
  void shouldAnswerEverySignupAlikeWhetherTheAddressIsNewWaitingOrConfirmed() throws Exception {
    String address = "grace.hopper@example.com";
    String id = ids.idFor(address);

    HttpResponse<String> fresh = post(signup(address, "Grace"));
    awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    HttpResponse<String> waiting = post(signup("Grace.Hopper@Example.com", "Grace H."));
    awaitSignalHandled(id);
    assertThat(count(id, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .as("the repeat inside the cooldown sends nothing")
        .isEqualTo(1);
    assertThat(follow(Inbox.link(inbox.await(address, 1).get(0))).statusCode()).isEqualTo(200);
    inbox.awaitLatest(address, Inbox.WELCOME_SUBJECT);
    HttpResponse<String> confirmed = post(signup(address, "Grace"));
    awaitSignalHandled(id);

    for (HttpResponse<String> response : List.of(fresh, waiting, confirmed)) {
      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body()).isEqualTo(ACCEPTED).doesNotContain(id);
      assertThat(response.headers().firstValue("Location")).isEmpty();
      assertThat(response.headers().firstValue("Content-Type"))
          .isEqualTo(fresh.headers().firstValue("Content-Type"));
    }
    assertThat(smtp.receivedBy(address))
        .extracting(Inbox::subject)
        .containsExactly(Inbox.CONFIRMATION_SUBJECT, Inbox.WELCOME_SUBJECT);
    assertThat(executionsOf(id)).hasSize(1);
    assertThat(state(id).status()).isEqualTo(SignupStatus.CONFIRMED);
  }

  @Test
  void shouldSendTheConfirmationEmailWithALinkToTheConfirmationPage() throws Exception {
    post(signup("alan@example.com", "Alan Turing"));

    ReceivedMessage received = inbox.await("alan@example.com", 1).get(0);
    MimeMessage email = received.parse();
    assertThat(email.getRecipients(Message.RecipientType.TO))
        .extracting(address -> ((InternetAddress) address).getAddress())
        .containsExactly("alan@example.com");
    assertThat(((InternetAddress) email.getRecipients(Message.RecipientType.TO)[0]).getPersonal())
        .isEqualTo("Alan Turing");
    assertThat(email.getSubject()).isEqualTo(Inbox.CONFIRMATION_SUBJECT);
    URI link = Inbox.link(received);
    assertThat(link.toString())
        .startsWith("http://127.0.0.1:" + app.getLocalPort() + "/signups/confirm?token=")
        .doesNotContainIgnoringCase("alan");
    assertThat(tokens.verify(Inbox.token(link)))
        .hasValueSatisfying(
            claim -> assertThat(claim.signupId()).isEqualTo(ids.idFor("alan@example.com")));
  }

  @Test
  void shouldStartNothingForTheSameAddressWhileItsFirstEmailIsSending() throws Exception {
    String id = ids.idFor("ada@example.com");
    activity.close();
    try {
      HttpResponse<String> first = post(signup("ada@example.com", "Ada"));
      activity.awaitAttemptStarted();

      HttpResponse<String> second = post(signup("ADA@Example.com", "Ada Lovelace"));

      assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(202);
      assertThat(second.body()).isEqualTo(first.body());
      assertThat(executionsOf(id)).hasSize(1);
      assertThat(activity.attempts()).isEqualTo(1);
    } finally {
      activity.open();
    }

    awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    awaitSignalHandled(id);
    assertThat(inbox.await("ada@example.com", 1)).hasSize(1);
    assertThat(activity.attempts()).isEqualTo(1);
    assertThat(executionsOf(id)).hasSize(1);
  }

  @Test
  void shouldResendAFreshLinkToARepeatedSignupOnlyAfterTheCooldown() throws Exception {
    String address = "hedy@example.com";
    String id = ids.idFor(address);
    URI first = signUpForLink(address);
    temporal.sleep(POLICY.resendCooldown().plusSeconds(1));

    post(signup(address, "Hedy"));

    List<ReceivedMessage> emails = inbox.await(address, 2);
    URI second = Inbox.link(emails.get(1));
    assertThat(Inbox.subject(emails.get(1))).isEqualTo(Inbox.CONFIRMATION_SUBJECT);
    assertThat(second).isNotEqualTo(first);
    assertThat(emails.get(1).messageId()).isNotEqualTo(emails.get(0).messageId());
    assertThat(page(follow(first))).isEqualTo("Your address is confirmed");
    assertThat(page(follow(second))).isEqualTo("Already confirmed");
    awaitStatus(id, SignupStatus.CONFIRMED);
  }

  @Test
  void shouldConfirmThroughTheLinkAndSendTheWelcomeEmail() throws Exception {
    String address = "margaret@example.com";
    String id = ids.idFor(address);
    URI link = signUpForLink(address);

    HttpResponse<String> confirmed = follow(link);

    assertPage(confirmed, 200, "Your address is confirmed");
    assertThat(confirmed.body()).doesNotContain("<form", "<script");
    ReceivedMessage welcome = inbox.awaitLatest(address, Inbox.WELCOME_SUBJECT);
    SignupState state = awaitStatus(id, SignupStatus.CONFIRMED);
    assertThat(state.messageId()).isEqualTo(welcome.messageId());
    assertThat(count(id, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).isEqualTo(1);
  }

  @Test
  void shouldSayAlreadyConfirmedForALinkFollowedAgain() throws Exception {
    String address = "frances@example.com";
    String id = ids.idFor(address);
    URI link = signUpForLink(address);
    assertThat(follow(link).statusCode()).isEqualTo(200);
    awaitStatus(id, SignupStatus.CONFIRMED);
    List<HistoryEvent> before = effects(id);

    HttpResponse<String> again = follow(link);

    assertPage(again, 200, "Already confirmed");
    assertThat(effects(id)).as("a refused update leaves no trace").isEqualTo(before);
    assertThat(inbox.await(address, 2))
        .extracting(Inbox::subject)
        .containsExactly(Inbox.CONFIRMATION_SUBJECT, Inbox.WELCOME_SUBJECT);
  }

  static Stream<Arguments> forgeries() {
    return Stream.of(
        Arguments.of("a character of the signup id", (Function<String, String>) t -> swap(t, 7)),
        Arguments.of(
            "a digit of the expiry", (Function<String, String>) t -> swap(t, t.indexOf('.') + 1)),
        Arguments.of(
            "a character of the HMAC",
            (Function<String, String>) t -> swap(t, t.lastIndexOf('.') + 1)),
        Arguments.of("the last character", (Function<String, String>) t -> swap(t, t.length() - 1)),
        Arguments.of("a truncated token", (Function<String, String>) t -> t.substring(0, 60)),
        Arguments.of("an empty token", (Function<String, String>) t -> ""),
        Arguments.of(
            "a genuine token for a link never sent",
            (Function<String, String>)
                t -> {
                  ConfirmationClaim sent = tokens.verify(t).orElseThrow();
                  return tokens.issue(new ConfirmationClaim(sent.signupId(), sent.expiresAt(), 99));
                }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgeries")
  void shouldRefuseAForgedLinkWithoutTouchingTheSignup(
      String forgery, Function<String, String> forge) throws Exception {
    String address = forgery.replace(' ', '-') + "@example.com";
    String id = ids.idFor(address);
    URI genuine = signUpForLink(address);
    awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    List<HistoryEvent> before = effects(id);
    String forged = forge.apply(Inbox.token(genuine));
    assertThat(forged).isNotEqualTo(Inbox.token(genuine));

    HttpResponse<String> refused = confirmPage(forged);

    assertPage(refused, 400, "This link is not valid");
    assertThat(refused.body()).doesNotContain("<form");
    assertThat(effects(id)).as("history untouched").isEqualTo(before);
    assertThat(state(id).status()).isEqualTo(SignupStatus.AWAITING_CONFIRMATION);
    assertThat(page(follow(genuine))).isEqualTo("Your address is confirmed");
  }

  @Test
  void shouldRefuseTheLinkOfASignupAnOperatorTerminated() throws Exception {
    String address = "terminated@example.com";
    String id = ids.idFor(address);
    URI link = signUpForLink(address);
    awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    temporal.getWorkflowClient().newUntypedWorkflowStub(id).terminate("operator test");

    assertPage(follow(link), 400, "This link is not valid");
  }

  @Test
  void shouldOfferANewLinkForAnExpiredOneAndSendItWhenAsked() throws Exception {
    String address = "expired@example.com";
    String id = ids.idFor(address);
    URI link = signUpForLink(address);
    temporal.sleep(POLICY.window().plusMinutes(1));
    awaitStatus(id, SignupStatus.EXPIRED);
    List<HistoryEvent> before = history(id);

    HttpResponse<String> expired = follow(link);

    assertPage(expired, 410, "This link has expired");
    assertThat(expired.body())
        .contains(
            "<form method=\"post\" action=\"confirm/renew\">",
            "<input type=\"hidden\" name=\"token\" value=\"" + Inbox.token(link) + "\">");
    assertThat(history(id)).as("history untouched").isEqualTo(before);

    HttpResponse<String> renewed = renew(Inbox.token(link));

    assertPage(renewed, 200, "A new link is on its way");
    ReceivedMessage fresh = inbox.awaitLatest(address, Inbox.CONFIRMATION_SUBJECT);
    assertThat(Inbox.link(fresh)).isNotEqualTo(link);
    assertThat(executionsOf(id)).hasSize(2);
    assertPage(renew(Inbox.token(link)), 200, "Check your inbox");
    assertThat(executionsOf(id)).hasSize(2);
    assertThat(page(follow(Inbox.link(fresh)))).isEqualTo("Your address is confirmed");
    awaitStatus(id, SignupStatus.CONFIRMED);
    assertPage(renew(Inbox.token(link)), 200, "Already confirmed");
    assertThat(executionsOf(id)).hasSize(2);
  }

  @Test
  void shouldRefuseToRenewWithAForgedToken() throws Exception {
    String genuine =
        tokens.issue(
            new ConfirmationClaim(
                ids.idFor("nobody@example.com"), Instant.now().plusSeconds(60), 1));

    assertPage(renew(swap(genuine, genuine.length() - 2)), 400, "This link is not valid");
    assertThat(activity.attempts()).isZero();
  }

  @Test
  void shouldRedriveAFailedSignupAsANewRunOfTheSameId() throws Exception {
    String address = "bounced@example.com";
    String id = ids.idFor(address);
    smtp.rejectRecipient(address, 550, "5.1.1 No such user");
    post(signup(address, "Bounced"));
    SignupState failed = awaitStatus(id, SignupStatus.DELIVERY_FAILED);
    assertThat(failed.lastError()).startsWith("550");
    smtp.reset();

    HttpResponse<String> retried = retry(id);

    assertThat(retried.statusCode()).isEqualTo(202);
    assertThat(retried.body()).isEqualTo(ACCEPTED);
    assertThat(retried.headers().firstValue("Location")).isEmpty();
    ReceivedMessage email = inbox.await(address, 1).get(0);
    awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    assertThat(executionsOf(id)).hasSize(2);
    assertThat(page(follow(Inbox.link(email)))).isEqualTo("Your address is confirmed");
    awaitStatus(id, SignupStatus.CONFIRMED);
  }

  @Test
  void shouldAnswer409ToARetryOfASignupThatDidNotFail() throws Exception {
    String id = ids.idFor("waiting@example.com");
    post(signup("waiting@example.com", "Waiting"));
    awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);

    HttpResponse<String> refused = retry(id);

    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(json.readTree(refused.body()).get("message").asText())
        .isEqualTo(
            "Signup "
                + id
                + " is AWAITING_CONFIRMATION; only a DELIVERY_FAILED signup can be"
                + " retried");
    assertThat(executionsOf(id)).hasSize(1);
    assertThat(inbox.await("waiting@example.com", 1)).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"never-signed-up@example.com", "signup-xyz"})
  void shouldAnswer404ToARetryOfAnUnknownSignup(String unknown) throws Exception {
    String id = unknown.contains("@") ? ids.idFor(unknown) : unknown;

    HttpResponse<String> response = retry(id);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(executionsOf(id)).isEmpty();
  }

  @Test
  void shouldReportTheWaitingSignupWithIsoTimestamps() throws Exception {
    String id = ids.idFor("barbara@example.com");
    post(signup("barbara@example.com", "Barbara"));
    ReceivedMessage email = inbox.await("barbara@example.com", 1).get(0);
    awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);

    HttpResponse<String> response = get(id);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode view = json.readTree(response.body());
    assertThat(view.get("id").asText()).isEqualTo(id);
    assertThat(view.get("status").asText()).isEqualTo("AWAITING_CONFIRMATION");
    assertThat(view.get("attempts").asInt()).isEqualTo(1);
    assertThat(view.get("lastError").isNull()).isTrue();
    assertThat(view.get("messageId").asText())
        .isEqualTo(email.messageId())
        .startsWith("<" + id + ".")
        .endsWith("@" + TestSmtpSettings.SENDER_DOMAIN + ">");
    for (String field : List.of("startedAt", "updatedAt", "expiresAt")) {
      assertThat(view.get(field).isTextual()).as(field + " is a string").isTrue();
    }
    Instant startedAt = Instant.parse(view.get("startedAt").asText());
    assertThat(startedAt).isBeforeOrEqualTo(Instant.ofEpochMilli(temporal.currentTimeMillis()));
    assertThat(Instant.parse(view.get("updatedAt").asText())).isAfterOrEqualTo(startedAt);
    assertThat(Instant.parse(view.get("expiresAt").asText()))
        .isBetween(
            startedAt.plus(POLICY.window()).minusSeconds(1), startedAt.plus(POLICY.window()));
  }

  static Stream<Arguments> invalidSignups() {
    return Stream.of(
        Arguments.of("email", signup("nope", "Ada")),
        Arguments.of("email", signup("a@", "Ada")),
        Arguments.of("email", signup("a b@example.com", "Ada")),
        Arguments.of(
            "email", signup("a".repeat(255 - "@example.com".length()) + "@example.com", "Ada")),
        Arguments.of("email", signup("", "Ada")),
        Arguments.of("email", json.createObjectNode().put("name", "Ada")),
        Arguments.of("name", signup("ada@example.com", "")),
        Arguments.of("name", json.createObjectNode().put("email", "ada@example.com")),
        Arguments.of("name", signup("ada@example.com", "a".repeat(101))),
        Arguments.of("name", signup("ada@example.com", "Ada\r\nBcc: eve@example.com")),
        Arguments.of("name", signup("ada@example.com", "Ada\nLovelace")),
        Arguments.of("name", signup("ada@example.com", "Ada\u0000")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalidSignups")
  void shouldAnswer422NamingTheFieldAndStartNothing(String field, ObjectNode body)
      throws Exception {
    int before = allExecutions().size();

    HttpResponse<String> response = post(body.toString());

    assertThat(response.statusCode()).isEqualTo(422);
    JsonNode errors = json.readTree(response.body()).get("errors");
    assertThat(errors).isNotNull();
    assertThat(errors)
        .extracting(JsonNode::asText)
        .anyMatch(error -> error.startsWith(field + " "));
    assertThat(allExecutions()).hasSize(before);
    assertThat(activity.attempts()).isZero();
  }

  @Test
  void shouldAcceptAnAddressOfExactly254Characters() throws Exception {
    String address =
        "a".repeat(64)
            + "@"
            + "b".repeat(63)
            + "."
            + "c".repeat(63)
            + "."
            + "d".repeat(57)
            + ".com";
    assertThat(address).hasSize(254);

    HttpResponse<String> response = post(signup(address, "Long"));

    assertThat(response.statusCode()).isEqualTo(202);
    awaitStatus(ids.idFor(address), SignupStatus.AWAITING_CONFIRMATION);
  }

  static Stream<Arguments> unreadableBodies() {
    return Stream.of(
        Arguments.of(
            "{\"email\":\"ada@example.com\",\"name\":\"Ada\",\"admin\":true}",
            "Unknown field 'admin'; expected email and name"),
        Arguments.of("{\"email\":5,\"name\":\"Ada\"}", "Field 'email' must be a string"),
        Arguments.of(
            "{\"email\":\"ada@example.com\",\"name\":true}", "Field 'name' must be a string"),
        Arguments.of("{\"email\":\"ada@example.com\",\"name\":", "Request body is not valid JSON"),
        Arguments.of("{\"email\" \"ada@example.com\"}", "Request body is not valid JSON"),
        Arguments.of(
            "[{\"email\":\"ada@example.com\",\"name\":\"Ada\"}]",
            "Request body must be a JSON object"),
        Arguments.of("\"ada@example.com\"", "Request body must be a JSON object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadableBodies")
  void shouldAnswer400WithAClearMessage(String body, String message) throws Exception {
    int before = allExecutions().size();

    HttpResponse<String> response = post(body);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json.readTree(response.body());
    assertThat(error.get("code").asInt()).isEqualTo(400);
    assertThat(error.get("message").asText()).isEqualTo(message);
    assertThat(response.body()).doesNotContain("dev.signups", "jackson", "Exception", "line:");
    assertThat(allExecutions()).hasSize(before);
  }

  @Test
  void shouldAnswer413ForADeclaredLengthOverTheLimit() throws Exception {
    byte[] body = oversizedBody();

    HttpResponse<String> response = post(BodyPublishers.ofByteArray(body));

    assertTooLarge(response);
  }

  @Test
  void shouldAnswer413ForAChunkedBodyOverTheLimit() throws Exception {
    byte[] body = oversizedBody();

    HttpResponse<String> response =
        post(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

    assertTooLarge(response);
  }

  @Test
  void shouldAcceptABodyOfExactlyTheLimit() throws Exception {
    String prefix = "{\"email\":\"katherine@example.com\",\"name\":\"Katherine\"";
    String body = prefix + " ".repeat(MAX_BODY_BYTES - prefix.length() - 1) + "}";
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY_BYTES);

    HttpResponse<String> response =
        post(
            BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));

    assertThat(response.statusCode()).isEqualTo(202);
    awaitStatus(ids.idFor("katherine@example.com"), SignupStatus.AWAITING_CONFIRMATION);
  }

  @Test
  void shouldAnswer404ForAnUnknownSignup() throws Exception {
    String unknown = new SignupIds(SECRET).idFor("nobody-signed-up@example.com");

    HttpResponse<String> response = get(unknown);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json.readTree(response.body()).get("code").asInt()).isEqualTo(404);
  }

  @Test
  void shouldAnswer404ForAMalformedId() throws Exception {
    for (String malformed :
        List.of("ada@example.com", "signup-xyz", "signup-" + "A".repeat(32), "x".repeat(300))) {
      HttpResponse<String> response = get(malformed);

      assertThat(response.statusCode()).as(malformed).isEqualTo(404);
    }
  }

  @Test
  void shouldAnswer400NamingTheParameterForABadListing() throws Exception {
    Map<String, String> expected =
        Map.of(
            "", "query param status must not be null",
            "?status=LOST",
                "query param status must be one of [SENDING, AWAITING_CONFIRMATION, CONFIRMED,"
                    + " EXPIRED, DELIVERY_FAILED, SENT]",
            "?status=SENT&pageSize=0", "query param pageSize must be greater than or equal to 1",
            "?status=SENT&pageSize=101", "query param pageSize must be less than or equal to 100",
            "?status=SENT&pageToken=!!", "pageToken is not valid");
    for (Map.Entry<String, String> listing : expected.entrySet()) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(adminUri(app, "/signups" + listing.getKey())).GET());

      assertThat(response.statusCode()).as(listing.getKey()).isEqualTo(400);
      assertThat(response.body()).as(listing.getKey()).contains(listing.getValue());
    }
  }

  @Test
  void shouldAnswer503QuicklyWhenTemporalIsUnreachable() throws Exception {
    int closedPort = Ports.free();
    TemporalFactory unreachable =
        new YamlConfigurationFactory<>(
                TemporalFactory.class,
                Validators.newValidator(),
                SignupApplication.configureObjectMapper(Jackson.newObjectMapper()),
                "dw")
            .build(
                path ->
                    new ByteArrayInputStream(
                        ("target: 127.0.0.1:" + closedPort + "\nrpcTimeout: 1s\n").getBytes()),
                "temporal.yml");
    DropwizardTestSupport<Configuration> down =
        startApi(
            environment ->
                unreachable.buildApiClient(
                    environment, new NoopScope(), DefaultDataConverter.STANDARD_INSTANCE));
    try {
      String id = ids.idFor("ada@example.com");
      for (Callable<HttpResponse<String>> request :
          List.<Callable<HttpResponse<String>>>of(
              () -> post(signup("ada@example.com", "Ada"), down), () -> get(id, down))) {
        long started = System.nanoTime();
        HttpResponse<String> response = request.call();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // rpcTimeout is 1s; the SDK's own 5s system-info timeout must not come on top of it.
        assertThat(took).isLessThan(Duration.ofSeconds(4));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode error = json.readTree(response.body());
        assertThat(error.get("code").asInt()).isEqualTo(503);
        assertThat(error.get("message").asText()).startsWith("Temporal is unavailable");
        assertThat(response.body())
            .doesNotContain("Exception", "\tat ", "io.grpc", "io.temporal", "UNAVAILABLE");
      }
    } finally {
      down.after();
    }
  }

  private static void assertTooLarge(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).isEqualTo(413);
    JsonNode error = json.readTree(response.body());
    assertThat(error.get("code").asInt()).isEqualTo(413);
    assertThat(error.get("message").asText()).contains(Integer.toString(MAX_BODY_BYTES));
    assertThat(activity.attempts()).isZero();
  }

  /**
   * Checks that {@code response} is the confirmation page titled {@code title}, answered with
   * {@code status}, plain HTML that no cache keeps, no frame embeds and no link leaks the token
   * from.
   */
  private static void assertPage(HttpResponse<String> response, int status, String title) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(page(response)).isEqualTo(title);
    assertThat(response.body()).contains("<title>" + title + "</title>").doesNotContain("<script");
    HttpHeaders headers = response.headers();
    assertThat(headers.firstValue("Content-Type"))
        .hasValueSatisfying(
            type -> assertThat(type).isEqualToIgnoringCase("text/html;charset=UTF-8"));
    assertThat(headers.firstValue("Cache-Control")).hasValue("no-store");
    assertThat(headers.firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(headers.firstValue("Content-Security-Policy"))
        .hasValue(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
                + " frame-ancestors 'none'");
    assertThat(headers.firstValue("Location")).isEmpty();
  }

  /** The heading of a confirmation page. */
  private static String page(HttpResponse<String> response) {
    String body = response.body();
    int start = body.indexOf("<h1>");
    int end = body.indexOf("</h1>");
    assertThat(start).as("a heading in " + body).isNotNegative();
    return body.substring(start + "<h1>".length(), end);
  }

  /** {@code token} with the character at {@code index} replaced by another of its kind. */
  private static String swap(String token, int index) {
    char c = token.charAt(index);
    char other =
        Character.isDigit(c)
            ? (char) ('0' + (c - '0' + 1) % 10)
            : Character.isLowerCase(c) ? (c == 'a' ? 'b' : 'a') : c == 'A' ? 'B' : 'A';
    return token.substring(0, index) + other + token.substring(index + 1);
  }

  private static byte[] oversizedBody() {
    String body = signup("ada@example.com", "a".repeat(MAX_BODY_BYTES)).toString();
    assertThat(body.length()).isGreaterThan(MAX_BODY_BYTES);
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /** Signs {@code address} up and returns the link in the confirmation email it receives. */
  private static URI signUpForLink(String address) throws Exception {
    assertThat(post(signup(address, "Signup")).statusCode()).isEqualTo(202);
    return Inbox.link(inbox.await(address, 1).get(0));
  }

  private static ObjectNode signup(String email, String name) {
    return json.createObjectNode().put("email", email).put("name", name);
  }

  private static HttpResponse<String> post(ObjectNode body) throws Exception {
    return post(body.toString(), app);
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return post(body, app);
  }

  private static HttpResponse<String> post(ObjectNode body, DropwizardTestSupport<?> target)
      throws Exception {
    return post(body.toString(), target);
  }

  private static HttpResponse<String> post(String body, DropwizardTestSupport<?> target)
      throws Exception {
    return send(
        HttpRequest.newBuilder(uri(target, "/signups"))
            .POST(BodyPublishers.ofString(body))
            .header("Content-Type", "application/json"));
  }

  private static HttpResponse<String> post(BodyPublisher body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(app, "/signups"))
            .POST(body)
            .header("Content-Type", "application/json"));
  }

  private static HttpResponse<String> get(String id) throws Exception {
    return get(id, app);
  }

  private static HttpResponse<String> get(String id, DropwizardTestSupport<?> target)
      throws Exception {
    return send(HttpRequest.newBuilder(adminUri(target, "/signups/" + id)).GET());
  }

  private static HttpResponse<String> retry(String id) throws Exception {
    return send(
        HttpRequest.newBuilder(adminUri(app, "/signups/" + id + "/retry"))
            .POST(BodyPublishers.noBody()));
  }

  /** Opens a link from an email, as a browser does. */
  private static HttpResponse<String> open(URI link) throws Exception {
    return http.send(
        HttpRequest.newBuilder(link).header("Accept", "text/html").timeout(PATIENCE).build(),
        BodyHandlers.ofString());
  }

  /** Follows a link as its owner does: opens it and presses the page's button when it has one. */
  private static HttpResponse<String> follow(URI link) throws Exception {
    HttpResponse<String> page = open(link);
    if (page.statusCode() != 200 || !page.body().contains("action=\"confirm\"")) {
      return page;
    }
    return postForm("/signups/confirm", Inbox.token(link));
  }

  private static HttpResponse<String> confirmPage(String token) throws Exception {
    return follow(
        uri(app, "/signups/confirm?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
  }

  /** Submits the form of the "link expired" page. */
  private static HttpResponse<String> renew(String token) throws Exception {
    return postForm("/signups/confirm/renew", token);
  }

  private static HttpResponse<String> postForm(String path, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(app, path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .POST(
                BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
            .timeout(PATIENCE)
            .build(),
        BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.header("Accept", "application/json").timeout(PATIENCE).build(),
        BodyHandlers.ofString());
  }

  private static URI uri(DropwizardTestSupport<?> target, String path) {
    return URI.create("http://127.0.0.1:" + target.getLocalPort() + path);
  }

  /** The operators' API, which the simple server of these tests serves under /admin. */
  private static URI adminUri(DropwizardTestSupport<?> target, String path) {
    return URI.create("http://127.0.0.1:" + target.getAdminPort() + "/admin" + path);
  }

  private static SignupState state(String id) {
    return temporal.getWorkflowClient().newWorkflowStub(SignupWorkflow.class, id).state();
  }

  /** Waits for signup {@code id} to reach {@code status}, and returns its state. */
  private static SignupState awaitStatus(String id, SignupStatus status) throws Exception {
    Instant deadline = Instant.now().plus(PATIENCE);
    SignupState state = null;
    while (Instant.now().isBefore(deadline)) {
      if (!executionsOf(id).isEmpty()) {
        state = state(id);
        if (state.status() == status) {
          return state;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(id + " never reached " + status + "; last: " + state);
  }

  /** Waits until the workflow has run the task that handled the last signal it was sent. */
  private static void awaitSignalHandled(String id) throws Exception {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      List<EventType> types = history(id).stream().map(HistoryEvent::getEventType).toList();
      int signaled = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      if (types
          .subList(signaled + 1, types.size())
          .contains(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(id + " never handled its last signal");
  }

  private static long count(String id, EventType type) {
    return history(id).stream().filter(event -> event.getEventType() == type).count();
  }

  /**
   * The history without its workflow tasks: what the signup did. The in-memory server records a
   * task for an update its validator refused, where a real server leaves no trace.
   */
  private static List<HistoryEvent> effects(String id) {
    return history(id).stream()
        .filter(event -> !event.getEventType().name().startsWith("EVENT_TYPE_WORKFLOW_TASK_"))
        .toList();
  }

  private static List<HistoryEvent> history(String id) {
    return temporal.getWorkflowClient().fetchHistory(id).getEvents();
  }

  private static List<WorkflowExecutionInfo> executionsOf(String id) {
    return allExecutions().stream()
        .filter(execution -> execution.getExecution().getWorkflowId().equals(id))
        .toList();
  }

  private static List<WorkflowExecutionInfo> allExecutions() {
    WorkflowServiceBlockingStub service = temporal.getWorkflowServiceStubs().blockingStub();
    List<WorkflowExecutionInfo> executions = new ArrayList<>();
    executions.addAll(
        service
            .listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(temporal.getNamespace())
                    .setMaximumPageSize(1000)
                    .build())
            .getExecutionsList());
    executions.addAll(
        service
            .listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(temporal.getNamespace())
                    .setMaximumPageSize(1000)
                    .build())
            .getExecutionsList());
    return executions;
  }

  private static DropwizardTestSupport<Configuration> startApi(
      Function<Environment, WorkflowClient> clients) throws Exception {
    Configuration config = new Configuration();
    HttpConnectorFactory connector = new HttpConnectorFactory();
    connector.setBindHost("127.0.0.1");
    connector.setPort(0);
    SimpleServerFactory server = new SimpleServerFactory();
    server.setConnector(connector);
    server.setApplicationContextPath("/");
    ((LogbackAccessRequestLogFactory) server.getRequestLogFactory()).setAppenders(List.of());
    config.setServerFactory(server);
    ((DefaultLoggingFactory) config.getLoggingFactory()).setLevel("WARN");

    DropwizardTestSupport<Configuration> support =
        new DropwizardTestSupport<>(ApiApplication.class, config) {
          @Override
          public Application<Configuration> newApplication() {
            return new ApiApplication(clients);
          }
        };
    support.before();
    return support;
  }

  /** The API part of {@code SignupApplication}: its JSON rules and its Jersey registrations. */
  static final class ApiApplication extends Application<Configuration> {
    private final Function<Environment, WorkflowClient> clients;

    ApiApplication(Function<Environment, WorkflowClient> clients) {
      this.clients = clients;
    }

    @Override
    public void initialize(Bootstrap<Configuration> bootstrap) {
      SignupApplication.configureObjectMapper(bootstrap.getObjectMapper());
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
      WorkflowClient client = clients.apply(environment);
      SignupReads reads = new SignupReads(client);
      SignupCommands commands =
          new SignupCommands(
              client,
              reads,
              new SignupIds(SECRET),
              TASK_QUEUE,
              POLICY,
              tokens,
              new TestServerClock());
      SignupApplication.registerApis(
          environment,
          commands,
          reads,
          new ApiSettings(
              new RateLimits(UNLIMITED, UNLIMITED, ""),
              false,
              DataSize.bytes(MAX_BODY_BYTES),
              new SimpleMeterRegistry()));
    }
  }

  /** The clock of the in-memory Temporal server, which jumps when a test skips time. */
  static final class TestServerClock extends Clock {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(temporal.currentTimeMillis());
    }
  }

  /**
   * The real activity behind a gate: while the gate is closed an attempt at a confirmation email
   * waits before sending, which keeps its signup sending for as long as a test needs.
   */
  static final class GatedSendEmail implements SendEmailActivity {
    private final SendEmailActivityImpl delegate;
    private final AtomicInteger attempts = new AtomicInteger();
    private final Semaphore started = new Semaphore(0);
    private volatile CountDownLatch gate = new CountDownLatch(0);

    GatedSendEmail(SendEmailActivityImpl delegate) {
      this.delegate = delegate;
    }

    @Override
    public EmailReceipt send(EmailRequest request) {
      attempts.incrementAndGet();
      started.release();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return delegate.send(request);
    }

    @Override
    public EmailReceipt sendWelcome(EmailRequest request) {
      return delegate.sendWelcome(request);
    }

    void reset() {
      attempts.set(0);
      started.drainPermits();
    }

    void close() {
      gate = new CountDownLatch(1);
    }

    void open() {
      gate.countDown();
    }

    void awaitAttemptStarted() throws InterruptedException {
      assertThat(started.tryAcquire(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
          .as("an attempt started")
          .isTrue();
    }

    int attempts() {
      return attempts.get();
    }
  }
}
