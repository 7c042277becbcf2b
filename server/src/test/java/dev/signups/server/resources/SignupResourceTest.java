package dev.signups.server.resources;

import static dev.signups.server.testing.InMemorySignups.MAX_BODY_BYTES;
import static dev.signups.server.testing.InMemorySignups.POLICY;
import static dev.signups.server.testing.InMemorySignups.SIGNUP_ID_SECRET;
import static dev.signups.server.testing.InMemorySignups.follow;
import static dev.signups.server.testing.InMemorySignups.get;
import static dev.signups.server.testing.InMemorySignups.page;
import static dev.signups.server.testing.InMemorySignups.post;
import static dev.signups.server.testing.InMemorySignups.signup;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uber.m3.tally.NoopScope;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.activities.testing.Ports;
import dev.signups.activities.testing.TestSmtpSettings;
import dev.signups.server.SignupApplication;
import dev.signups.server.core.SignupIds;
import dev.signups.server.temporal.TemporalFactory;
import dev.signups.server.testing.InMemorySignups;
import dev.signups.server.testing.Inbox;
import dev.signups.workflows.SignupState;
import dev.signups.workflows.SignupStatus;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.Configuration;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.testing.DropwizardTestSupport;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.converter.DefaultDataConverter;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signup API ({@code POST /signups}, {@code GET /signups/{id}}, the listing and the retry) on
 * the service of {@link InMemorySignups}: a real Jetty in front of an in-memory Temporal server
 * running the real workflow, whose real activity sends to a real SMTP server.
 */
class SignupResourceTest {

  @RegisterExtension static final InMemorySignups signups = new InMemorySignups();

  private static final SignupIds ids = signups.ids();
  private static final ConfirmationTokens tokens = signups.tokens();
  private static final String ACCEPTED = "{\"status\":\"ACCEPTED\"}";
  private static final ObjectMapper json = new ObjectMapper();

  @Test
  void shouldAnswerEverySignupAlikeWhetherTheAddressIsNewWaitingOrConfirmed() throws Exception {
    String address = "grace.hopper@example.com";
    String id = ids.idFor(address);

    HttpResponse<String> fresh = signups.post(signup(address, "Grace"));
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    HttpResponse<String> waiting = signups.post(signup("Grace.Hopper@Example.com", "Grace H."));
    signups.awaitSignalHandled(id);
    assertThat(signups.count(id, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .as("the repeat inside the cooldown sends nothing")
        .isEqualTo(1);
    assertThat(follow(Inbox.link(signups.inbox().await(address, 1).get(0))).statusCode())
        .isEqualTo(200);
    signups.inbox().awaitLatest(address, Inbox.WELCOME_SUBJECT);
    HttpResponse<String> confirmed = signups.post(signup(address, "Grace"));
    signups.awaitSignalHandled(id);

    for (HttpResponse<String> response : List.of(fresh, waiting, confirmed)) {
      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body()).isEqualTo(ACCEPTED).doesNotContain(id);
      assertThat(response.headers().firstValue("Location")).isEmpty();
      assertThat(response.headers().firstValue("Content-Type"))
          .isEqualTo(fresh.headers().firstValue("Content-Type"));
    }
    assertThat(signups.smtp().receivedBy(address))
        .extracting(Inbox::subject)
        .containsExactly(Inbox.CONFIRMATION_SUBJECT, Inbox.WELCOME_SUBJECT);
    assertThat(signups.executionsOf(id)).hasSize(1);
    assertThat(signups.state(id).status()).isEqualTo(SignupStatus.CONFIRMED);
  }

  @Test
  void shouldSendTheConfirmationEmailWithALinkToTheConfirmationPage() throws Exception {
    signups.post(signup("alan@example.com", "Alan Turing"));

    ReceivedMessage received = signups.inbox().await("alan@example.com", 1).get(0);
    MimeMessage email = received.parse();
    assertThat(email.getRecipients(Message.RecipientType.TO))
        .extracting(address -> ((InternetAddress) address).getAddress())
        .containsExactly("alan@example.com");
    assertThat(((InternetAddress) email.getRecipients(Message.RecipientType.TO)[0]).getPersonal())
        .isEqualTo("Alan Turing");
    assertThat(email.getSubject()).isEqualTo(Inbox.CONFIRMATION_SUBJECT);
    URI link = Inbox.link(received);
    assertThat(link.toString())
        .startsWith("http://127.0.0.1:" + signups.app().getLocalPort() + "/signups/confirm?token=")
        .doesNotContainIgnoringCase("alan");
    assertThat(tokens.verify(Inbox.token(link)))
        .hasValueSatisfying(
            claim -> assertThat(claim.signupId()).isEqualTo(ids.idFor("alan@example.com")));
  }

  @Test
  void shouldStartNothingForTheSameAddressWhileItsFirstEmailIsSending() throws Exception {
    String id = ids.idFor("ada@example.com");
    signups.activity().close();
    try {
      HttpResponse<String> first = signups.post(signup("ada@example.com", "Ada"));
      signups.activity().awaitAttemptStarted();

      HttpResponse<String> second = signups.post(signup("ADA@Example.com", "Ada Lovelace"));

      assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(202);
      assertThat(second.body()).isEqualTo(first.body());
      assertThat(signups.executionsOf(id)).hasSize(1);
      assertThat(signups.activity().attempts()).isEqualTo(1);
    } finally {
      signups.activity().open();
    }

    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    signups.awaitSignalHandled(id);
    assertThat(signups.inbox().await("ada@example.com", 1)).hasSize(1);
    assertThat(signups.activity().attempts()).isEqualTo(1);
    assertThat(signups.executionsOf(id)).hasSize(1);
  }

  @Test
  void shouldResendAFreshLinkToARepeatedSignupOnlyAfterTheCooldown() throws Exception {
    String address = "hedy@example.com";
    String id = ids.idFor(address);
    URI first = signups.signUpForLink(address);
    signups.temporal().sleep(POLICY.resendCooldown().plusSeconds(1));

    signups.post(signup(address, "Hedy"));

    List<ReceivedMessage> emails = signups.inbox().await(address, 2);
    URI second = Inbox.link(emails.get(1));
    assertThat(Inbox.subject(emails.get(1))).isEqualTo(Inbox.CONFIRMATION_SUBJECT);
    assertThat(second).isNotEqualTo(first);
    assertThat(emails.get(1).messageId()).isNotEqualTo(emails.get(0).messageId());
    assertThat(page(follow(first))).isEqualTo("Your address is confirmed");
    assertThat(page(follow(second))).isEqualTo("Already confirmed");
    signups.awaitStatus(id, SignupStatus.CONFIRMED);
  }

  @Test
  void shouldRedriveAFailedSignupAsANewRunOfTheSameId() throws Exception {
    String address = "bounced@example.com";
    String id = ids.idFor(address);
    signups.smtp().rejectRecipient(address, 550, "5.1.1 No such user");
    signups.post(signup(address, "Bounced"));
    SignupState failed = signups.awaitStatus(id, SignupStatus.DELIVERY_FAILED);
    assertThat(failed.lastError()).startsWith("550");
    signups.smtp().reset();

    HttpResponse<String> retried = signups.retry(id);

    assertThat(retried.statusCode()).isEqualTo(202);
    assertThat(retried.body()).isEqualTo(ACCEPTED);
    assertThat(retried.headers().firstValue("Location")).isEmpty();
    ReceivedMessage email = signups.inbox().await(address, 1).get(0);
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    assertThat(signups.executionsOf(id)).hasSize(2);
    assertThat(page(follow(Inbox.link(email)))).isEqualTo("Your address is confirmed");
    signups.awaitStatus(id, SignupStatus.CONFIRMED);
  }

  @Test
  void shouldAnswer409ToARetryOfASignupThatDidNotFail() throws Exception {
    String id = ids.idFor("waiting@example.com");
    signups.post(signup("waiting@example.com", "Waiting"));
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);

    HttpResponse<String> refused = signups.retry(id);

    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(json.readTree(refused.body()).get("message").asText())
        .isEqualTo(
            "Signup "
                + id
                + " is AWAITING_CONFIRMATION; only a DELIVERY_FAILED signup can be"
                + " retried");
    assertThat(signups.executionsOf(id)).hasSize(1);
    assertThat(signups.inbox().await("waiting@example.com", 1)).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"never-signed-up@example.com", "signup-xyz"})
  void shouldAnswer404ToARetryOfAnUnknownSignup(String unknown) throws Exception {
    String id = unknown.contains("@") ? ids.idFor(unknown) : unknown;

    HttpResponse<String> response = signups.retry(id);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(signups.executionsOf(id)).isEmpty();
  }

  @Test
  void shouldReportTheWaitingSignupWithIsoTimestamps() throws Exception {
    String id = ids.idFor("barbara@example.com");
    signups.post(signup("barbara@example.com", "Barbara"));
    ReceivedMessage email = signups.inbox().await("barbara@example.com", 1).get(0);
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);

    HttpResponse<String> response = signups.get(id);

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
    assertThat(startedAt)
        .isBeforeOrEqualTo(Instant.ofEpochMilli(signups.temporal().currentTimeMillis()));
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
    int before = signups.allExecutions().size();

    HttpResponse<String> response = signups.post(body.toString());

    assertThat(response.statusCode()).isEqualTo(422);
    JsonNode errors = json.readTree(response.body()).get("errors");
    assertThat(errors).isNotNull();
    assertThat(errors)
        .extracting(JsonNode::asText)
        .anyMatch(error -> error.startsWith(field + " "));
    assertThat(signups.allExecutions()).hasSize(before);
    assertThat(signups.activity().attempts()).isZero();
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

    HttpResponse<String> response = signups.post(signup(address, "Long"));

    assertThat(response.statusCode()).isEqualTo(202);
    signups.awaitStatus(ids.idFor(address), SignupStatus.AWAITING_CONFIRMATION);
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
    int before = signups.allExecutions().size();

    HttpResponse<String> response = signups.post(body);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json.readTree(response.body());
    assertThat(error.get("code").asInt()).isEqualTo(400);
    assertThat(error.get("message").asText()).isEqualTo(message);
    assertThat(response.body()).doesNotContain("dev.signups", "jackson", "Exception", "line:");
    assertThat(signups.allExecutions()).hasSize(before);
  }

  @Test
  void shouldAnswer413ForADeclaredLengthOverTheLimit() throws Exception {
    byte[] body = oversizedBody();

    HttpResponse<String> response = signups.post(BodyPublishers.ofByteArray(body));

    assertTooLarge(response);
  }

  @Test
  void shouldAnswer413ForAChunkedBodyOverTheLimit() throws Exception {
    byte[] body = oversizedBody();

    HttpResponse<String> response =
        signups.post(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

    assertTooLarge(response);
  }

  @Test
  void shouldAcceptABodyOfExactlyTheLimit() throws Exception {
    String prefix = "{\"email\":\"katherine@example.com\",\"name\":\"Katherine\"";
    String body = prefix + " ".repeat(MAX_BODY_BYTES - prefix.length() - 1) + "}";
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY_BYTES);

    HttpResponse<String> response =
        signups.post(
            BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));

    assertThat(response.statusCode()).isEqualTo(202);
    signups.awaitStatus(ids.idFor("katherine@example.com"), SignupStatus.AWAITING_CONFIRMATION);
  }

  @Test
  void shouldAnswer404ForAnUnknownSignup() throws Exception {
    String unknown = new SignupIds(SIGNUP_ID_SECRET).idFor("nobody-signed-up@example.com");

    HttpResponse<String> response = signups.get(unknown);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json.readTree(response.body()).get("code").asInt()).isEqualTo(404);
  }

  @Test
  void shouldAnswer404ForAMalformedId() throws Exception {
    for (String malformed :
        List.of("ada@example.com", "signup-xyz", "signup-" + "A".repeat(32), "x".repeat(300))) {
      HttpResponse<String> response = signups.get(malformed);

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
                    + " EXPIRED, DELIVERY_FAILED, SENT, SUPPRESSED]",
            "?status=SENT&pageSize=0", "query param pageSize must be greater than or equal to 1",
            "?status=SENT&pageSize=101", "query param pageSize must be less than or equal to 100",
            "?status=SENT&pageToken=!!", "pageToken is not valid");
    for (Map.Entry<String, String> listing : expected.entrySet()) {
      HttpResponse<String> response = signups.list(listing.getKey());

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
        signups.api(
            environment ->
                unreachable.buildApiClient(
                    environment, new NoopScope(), DefaultDataConverter.STANDARD_INSTANCE));
    down.before();
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
    assertThat(signups.activity().attempts()).isZero();
  }

  private static byte[] oversizedBody() {
    String body = signup("ada@example.com", "a".repeat(MAX_BODY_BYTES)).toString();
    assertThat(body.length()).isGreaterThan(MAX_BODY_BYTES);
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
