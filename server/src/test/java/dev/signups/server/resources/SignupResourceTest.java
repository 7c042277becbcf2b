package dev.signups.server.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.EmailTemplate;
import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.SendEmailActivityImpl;
import dev.signups.activities.SmtpEmailSender;
import dev.signups.activities.testing.Ports;
import dev.signups.activities.testing.TestSmtpSettings;
import dev.signups.server.SignupApplication;
import dev.signups.server.core.SignupIds;
import dev.signups.server.temporal.Signups;
import dev.signups.server.temporal.TemporalFactory;
import dev.signups.workflows.SignupSearchAttributes;
import dev.signups.workflows.SignupState;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflows;
import dev.signups.workflows.options.ActivityOptionsFactory;
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
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP API on a real Jetty, wired as {@code SignupApplication.run} wires it, in front of an
 * in-memory Temporal server running the real workflow, whose real activity sends to GreenMail.
 */
class SignupResourceTest {

  private static final String SECRET = "resource-test-secret-of-at-least-32-characters";
  private static final String TASK_QUEUE = "signups-resource-test";
  private static final int MAX_BODY_BYTES = 16 * 1024;
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final ObjectMapper json = new ObjectMapper();
  private static final SignupIds ids = new SignupIds(SECRET);

  private static GreenMail greenMail;
  private static TestWorkflowEnvironment temporal;
  private static GatedSendEmail activity;
  private static DropwizardTestSupport<Configuration> app;

  @BeforeAll
  static void start() throws Exception {
    greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();

    temporal =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    SignupSearchAttributes.TYPES.forEach(temporal::registerSearchAttribute);
    Worker worker = temporal.newWorker(TASK_QUEUE);
    SignupWorkflows.register(worker, new ActivityOptionsFactory().build());
    activity =
        new GatedSendEmail(
            new SendEmailActivityImpl(
                new SmtpEmailSender(
                    TestSmtpSettings.forServer(
                        "127.0.0.1", greenMail.getSmtp().getPort(), Duration.ofSeconds(5))),
                EmailTemplate.load("confirmation")));
    worker.registerActivitiesImplementations(activity);
    temporal.start();

    app = startApi(environment -> temporal.getWorkflowClient());
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
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  @BeforeEach
  void forgetEarlierSignups() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
    activity.reset();
  }

  @Test
  void shouldAnswer202WithTheSignupIdAndItsLocation() throws Exception {
    HttpResponse<String> response = post(signup("grace.hopper@example.com", "Grace"));

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode body = json.readTree(response.body());
    String id = body.get("id").asText();
    assertThat(body.get("status").asText()).isEqualTo("ACCEPTED");
    assertThat(body.size()).isEqualTo(2);
    assertThat(id)
        .matches("signup-[0-9a-f]{32}")
        .isEqualTo(ids.idFor("grace.hopper@example.com"))
        .doesNotContainIgnoringCase("grace")
        .doesNotContainIgnoringCase("example");
    assertThat(response.headers().firstValue("Location"))
        .hasValueSatisfying(location -> assertThat(location).endsWith("/signups/" + id));
    awaitCompletion(id);
  }

  @Test
  void shouldSendTheConfirmationEmail() throws Exception {
    HttpResponse<String> response = post(signup("alan@example.com", "Alan Turing"));
    assertThat(response.statusCode()).isEqualTo(202);

    assertThat(greenMail.waitForIncomingEmail(PATIENCE.toMillis(), 1)).isTrue();
    MimeMessage email = greenMail.getReceivedMessages()[0];
    assertThat(email.getRecipients(Message.RecipientType.TO))
        .extracting(address -> ((InternetAddress) address).getAddress())
        .containsExactly("alan@example.com");
    assertThat(((InternetAddress) email.getRecipients(Message.RecipientType.TO)[0]).getPersonal())
        .isEqualTo("Alan Turing");
    awaitCompletion(json.readTree(response.body()).get("id").asText());
  }

  @Test
  void shouldStartNothingForTheSameAddressWhileItsSignupRuns() throws Exception {
    String id = ids.idFor("ada@example.com");
    activity.close();
    try {
      HttpResponse<String> first = post(signup("ada@example.com", "Ada"));
      assertThat(first.statusCode()).isEqualTo(202);
      activity.awaitAttemptStarted();

      HttpResponse<String> second = post(signup("ADA@Example.com", "Ada Lovelace"));

      assertThat(second.statusCode()).isEqualTo(202);
      assertThat(json.readTree(second.body())).isEqualTo(json.readTree(first.body()));
      assertThat(second.headers().firstValue("Location"))
          .isEqualTo(first.headers().firstValue("Location"));
      assertThat(executionsOf(id)).hasSize(1);
      assertThat(activity.attempts()).isEqualTo(1);
    } finally {
      activity.open();
    }

    SignupState state = awaitCompletion(id);
    assertThat(state.status()).isEqualTo(SignupStatus.SENT);
    assertThat(greenMail.waitForIncomingEmail(PATIENCE.toMillis(), 1)).isTrue();
    assertThat(greenMail.getReceivedMessages()).hasSize(1);
    assertThat(activity.attempts()).isEqualTo(1);
    assertThat(executionsOf(id)).hasSize(1);
  }

  @Test
  void shouldReportTheSentSignupWithIsoTimestamps() throws Exception {
    String id =
        json.readTree(post(signup("barbara@example.com", "Barbara")).body()).get("id").asText();
    awaitCompletion(id);

    HttpResponse<String> response = get(id);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode view = json.readTree(response.body());
    assertThat(view.get("id").asText()).isEqualTo(id);
    assertThat(view.get("status").asText()).isEqualTo("SENT");
    assertThat(view.get("attempts").asInt()).isEqualTo(1);
    assertThat(view.get("lastError").isNull()).isTrue();
    assertThat(view.get("messageId").asText())
        .startsWith("<" + id + ".")
        .endsWith("@" + TestSmtpSettings.SENDER_DOMAIN + ">");
    for (String field : List.of("startedAt", "updatedAt")) {
      assertThat(view.get(field).isTextual()).as(field + " is a string").isTrue();
      assertThat(Instant.parse(view.get(field).asText())).isBeforeOrEqualTo(Instant.now());
    }
    assertThat(Instant.parse(view.get("updatedAt").asText()))
        .isAfterOrEqualTo(Instant.parse(view.get("startedAt").asText()));
    assertThat(greenMail.getReceivedMessages()[0].getMessageID())
        .isEqualTo(view.get("messageId").asText());
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
    awaitCompletion(json.readTree(response.body()).get("id").asText());
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
    awaitCompletion(json.readTree(response.body()).get("id").asText());
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
            "?status=LOST", "query param status must be one of [SENDING, SENT, DELIVERY_FAILED]",
            "?status=SENT&pageSize=0", "query param pageSize must be greater than or equal to 1",
            "?status=SENT&pageSize=101", "query param pageSize must be less than or equal to 100",
            "?status=SENT&pageToken=!!", "pageToken is not valid");
    for (Map.Entry<String, String> listing : expected.entrySet()) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(uri(app, "/signups" + listing.getKey())).GET());

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
    DropwizardTestSupport<Configuration> down = startApi(unreachable::buildApiClient);
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

  private static byte[] oversizedBody() {
    String body = signup("ada@example.com", "a".repeat(MAX_BODY_BYTES)).toString();
    assertThat(body.length()).isGreaterThan(MAX_BODY_BYTES);
    return body.getBytes(StandardCharsets.UTF_8);
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
    return send(HttpRequest.newBuilder(uri(target, "/signups/" + id)).GET());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.header("Accept", "application/json").timeout(PATIENCE).build(),
        BodyHandlers.ofString());
  }

  private static URI uri(DropwizardTestSupport<?> target, String path) {
    return URI.create("http://127.0.0.1:" + target.getLocalPort() + path);
  }

  /** Waits for the signup's workflow to finish, and returns its result. */
  private static SignupState awaitCompletion(String id) throws Exception {
    return temporal
        .getWorkflowClient()
        .newUntypedWorkflowStub(id)
        .getResult(PATIENCE.toSeconds(), TimeUnit.SECONDS, SignupState.class);
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
      environment
          .jersey()
          .register(new SignupResource(new Signups(client, new SignupIds(SECRET), TASK_QUEUE)));
      environment.jersey().register(new BodySizeLimitFilter(MAX_BODY_BYTES));
      environment.jersey().register(new JsonErrorMapper());
      environment.jersey().register(new TemporalUnavailableMapper());
    }
  }

  /**
   * The real activity behind a gate: while the gate is closed an attempt waits before sending,
   * which keeps its signup running for as long as a test needs.
   */
  static final class GatedSendEmail implements SendEmailActivity {
    private final SendEmailActivity delegate;
    private final AtomicInteger attempts = new AtomicInteger();
    private final Semaphore started = new Semaphore(0);
    private volatile CountDownLatch gate = new CountDownLatch(0);

    GatedSendEmail(SendEmailActivity delegate) {
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
