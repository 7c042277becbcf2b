package dev.signups.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.links.ConfirmationLinks;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.activities.mail.SendEmailActivityImpl;
import dev.signups.activities.mail.SmtpEmailSender;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServerExtension;
import dev.signups.activities.testing.TestSmtpSettings;
import dev.signups.server.ApiSettings;
import dev.signups.server.SignupApplication;
import dev.signups.server.core.ProviderQueues;
import dev.signups.server.core.SignupIds;
import dev.signups.server.core.Signups;
import dev.signups.server.limits.RateLimits;
import dev.signups.server.temporal.ActivityOptionsFactory;
import dev.signups.workflows.ConfirmationPolicy;
import dev.signups.workflows.SignupSearchAttributes;
import dev.signups.workflows.SignupState;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflow;
import dev.signups.workflows.SignupWorkflows;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
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
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
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
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The HTTP APIs and the confirmation pages on a real Jetty, registered by {@link
 * SignupApplication#registerApis} and started through a {@link DropwizardAppExtension}, in front of
 * an in-memory Temporal server running the real workflow, whose real activity sends to a real SMTP
 * server. The Temporal server's clock runs in real time until a test skips it forward, past a
 * resend cooldown or a confirmation window; the API reads the same clock.
 *
 * <p>Register it on a static field with {@code @RegisterExtension}: it starts before the tests of
 * the class and stops after them; before each test the activity counts attempts from zero, and
 * after each the SMTP server accepts every recipient again.
 */
public final class InMemorySignups
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  /** The API's {@code signupIdSecret}. */
  public static final String SIGNUP_ID_SECRET = "resource-test-secret-of-at-least-32-characters";

  /** The API's confirmation policy, and the workflow's. */
  public static final ConfirmationPolicy POLICY = ConfirmationPolicy.DEFAULT;

  /** The API's {@code maxRequestBodySize}, in bytes. */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  private static final String TOKEN_SECRET = "resource-test-token-secret-of-32-characters";
  private static final RateLimits.Limit UNLIMITED =
      new RateLimits.Limit(1_000_000, Duration.ofMinutes(1));
  private static final String TASK_QUEUE = "signups-resource-test";
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final ObjectMapper json = new ObjectMapper();

  private final SignupIds ids = new SignupIds(SIGNUP_ID_SECRET);
  private final ConfirmationTokens tokens = new ConfirmationTokens(TOKEN_SECRET);
  private final FaultySmtpServerExtension smtp = new FaultySmtpServerExtension();
  private final DropwizardAppExtension<Configuration> app =
      new DropwizardAppExtension<>(api(environment -> temporal().getWorkflowClient()));
  private Inbox inbox;
  private TestWorkflowEnvironment temporal;
  private SmtpEmailSender sender;
  private GatedSendEmail activity;

  /** The classes open on this extension: a nested class runs the class-level callbacks again. */
  private int classes;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (classes++ > 0) {
      return;
    }
    smtp.beforeAll(context);
    inbox = new Inbox(smtp(), PATIENCE);
    temporal = TestWorkflowEnvironment.newInstance();
    SignupSearchAttributes.TYPES.forEach(temporal::registerSearchAttribute);
    app.beforeAll(context);

    Worker worker = temporal.newWorker(TASK_QUEUE);
    ActivityOptions options = new ActivityOptionsFactory().build();
    SignupWorkflows.register(
        worker, Map.of(SendEmailActivity.TYPE, options, SendEmailActivity.WELCOME_TYPE, options));
    ConfirmationLinks links =
        new ConfirmationLinks(tokens, "http://127.0.0.1:" + app.getLocalPort());
    sender = new SmtpEmailSender(TestSmtpSettings.forServer(smtp()));
    activity = new GatedSendEmail(new SendEmailActivityImpl(sender, links, Map.of()), PATIENCE);
    worker.registerActivitiesImplementations(activity, links);
    temporal.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (--classes > 0) {
      return;
    }
    app.afterAll(context);
    if (temporal != null) {
      if (activity != null) {
        activity.open();
      }
      temporal.close();
    }
    if (sender != null) {
      sender.close();
    }
    smtp.afterAll(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    activity.reset();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    smtp.afterEach(context);
  }

  /** The API, as {@link DropwizardAppExtension} runs it. */
  public DropwizardAppExtension<Configuration> app() {
    return app;
  }

  /** The ids the API gives signups. */
  public SignupIds ids() {
    return ids;
  }

  /** The tokens of the confirmation links. */
  public ConfirmationTokens tokens() {
    return tokens;
  }

  public FaultySmtpServer smtp() {
    return smtp.server();
  }

  public Inbox inbox() {
    return inbox;
  }

  public TestWorkflowEnvironment temporal() {
    return temporal;
  }

  /** The activity the worker runs, which a test can hold back. */
  public GatedSendEmail activity() {
    return activity;
  }

  /**
   * The API as {@link #app()} runs it, on a port of its own, with the workflow client of {@code
   * clients}; a test starts and stops it.
   */
  public DropwizardTestSupport<Configuration> api(Function<Environment, WorkflowClient> clients) {
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

    return new DropwizardTestSupport<>(ApiApplication.class, config) {
      @Override
      public Application<Configuration> newApplication() {
        return new ApiApplication(clients);
      }
    };
  }

  /** Signs {@code address} up and returns the link in the confirmation email it receives. */
  public URI signUpForLink(String address) throws Exception {
    assertThat(post(signup(address, "Signup")).statusCode()).isEqualTo(202);
    return Inbox.link(inbox.await(address, 1).get(0));
  }

  public static ObjectNode signup(String email, String name) {
    return json.createObjectNode().put("email", email).put("name", name);
  }

  public HttpResponse<String> post(ObjectNode body) throws Exception {
    return post(body.toString(), app.getTestSupport());
  }

  public HttpResponse<String> post(String body) throws Exception {
    return post(body, app.getTestSupport());
  }

  public static HttpResponse<String> post(ObjectNode body, DropwizardTestSupport<?> target)
      throws Exception {
    return post(body.toString(), target);
  }

  public static HttpResponse<String> post(String body, DropwizardTestSupport<?> target)
      throws Exception {
    return send(
        HttpRequest.newBuilder(uri(target, "/signups"))
            .POST(BodyPublishers.ofString(body))
            .header("Content-Type", "application/json"));
  }

  public HttpResponse<String> post(BodyPublisher body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri("/signups"))
            .POST(body)
            .header("Content-Type", "application/json"));
  }

  public HttpResponse<String> get(String id) throws Exception {
    return get(id, app.getTestSupport());
  }

  public static HttpResponse<String> get(String id, DropwizardTestSupport<?> target)
      throws Exception {
    return send(HttpRequest.newBuilder(adminUri(target, "/signups/" + id)).GET());
  }

  public HttpResponse<String> retry(String id) throws Exception {
    return send(
        HttpRequest.newBuilder(adminUri(app.getTestSupport(), "/signups/" + id + "/retry"))
            .POST(BodyPublishers.noBody()));
  }

  /** Reports a bounce on the admin port. */
  public HttpResponse<String> bounce(ObjectNode report) throws Exception {
    return send(
        HttpRequest.newBuilder(adminUri(app.getTestSupport(), "/bounces"))
            .POST(BodyPublishers.ofString(report.toString()))
            .header("Content-Type", "application/json"));
  }

  /** Lifts a suppression on the admin port. */
  public HttpResponse<String> unsuppress(String id) throws Exception {
    return send(
        HttpRequest.newBuilder(adminUri(app.getTestSupport(), "/signups/" + id + "/unsuppress"))
            .POST(BodyPublishers.noBody()));
  }

  /** Lists signups on the admin port; {@code query} starts with {@code ?}. */
  public HttpResponse<String> list(String query) throws Exception {
    return send(HttpRequest.newBuilder(adminUri(app.getTestSupport(), "/signups" + query)).GET());
  }

  /** Opens a link from an email, as a browser does. */
  public static HttpResponse<String> open(URI link) throws Exception {
    return http.send(
        HttpRequest.newBuilder(link).header("Accept", "text/html").timeout(PATIENCE).build(),
        BodyHandlers.ofString());
  }

  /** Follows a link as its owner does: opens it and presses the page's button when it has one. */
  public static HttpResponse<String> follow(URI link) throws Exception {
    HttpResponse<String> page = open(link);
    if (page.statusCode() != 200 || !page.body().contains("action=\"confirm\"")) {
      return page;
    }
    return postForm(link.resolve("/signups/confirm"), Inbox.token(link));
  }

  public HttpResponse<String> confirmPage(String token) throws Exception {
    return follow(
        uri("/signups/confirm?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
  }

  /** Submits the form of the "link expired" page. */
  public HttpResponse<String> renew(String token) throws Exception {
    return postForm(uri("/signups/confirm/renew"), token);
  }

  private static HttpResponse<String> postForm(URI target, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(target)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .POST(
                BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
            .timeout(PATIENCE)
            .build(),
        BodyHandlers.ofString());
  }

  /** Sends {@code request}, asking for JSON. */
  public static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.header("Accept", "application/json").timeout(PATIENCE).build(),
        BodyHandlers.ofString());
  }

  /** The address of {@code path} on the API. */
  public URI uri(String path) {
    return uri(app.getTestSupport(), path);
  }

  private static URI uri(DropwizardTestSupport<?> target, String path) {
    return URI.create("http://127.0.0.1:" + target.getLocalPort() + path);
  }

  /** The operators' API, which the simple server of these tests serves under /admin. */
  private static URI adminUri(DropwizardTestSupport<?> target, String path) {
    return URI.create("http://127.0.0.1:" + target.getAdminPort() + "/admin" + path);
  }

  /** The heading of a confirmation page. */
  public static String page(HttpResponse<String> response) {
    String body = response.body();
    int start = body.indexOf("<h1>");
    int end = body.indexOf("</h1>");
    assertThat(start).as("a heading in " + body).isNotNegative();
    return body.substring(start + "<h1>".length(), end);
  }

  public SignupState state(String id) {
    return temporal.getWorkflowClient().newWorkflowStub(SignupWorkflow.class, id).state();
  }

  /** Waits for signup {@code id} to reach {@code status}, and returns its state. */
  public SignupState awaitStatus(String id, SignupStatus status) throws Exception {
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
  public void awaitSignalHandled(String id) throws Exception {
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

  /** The events of {@code type} in the history of the latest run of {@code id}. */
  public long count(String id, EventType type) {
    return history(id).stream().filter(event -> event.getEventType() == type).count();
  }

  /**
   * The history without its workflow tasks: what the signup did. The in-memory server records a
   * task for an update its validator refused, where a real server leaves no trace.
   */
  public List<HistoryEvent> effects(String id) {
    return history(id).stream()
        .filter(event -> !event.getEventType().name().startsWith("EVENT_TYPE_WORKFLOW_TASK_"))
        .toList();
  }

  public List<HistoryEvent> history(String id) {
    return temporal.getWorkflowClient().fetchHistory(id).getEvents();
  }

  public List<WorkflowExecutionInfo> executionsOf(String id) {
    return allExecutions().stream()
        .filter(execution -> execution.getExecution().getWorkflowId().equals(id))
        .toList();
  }

  public List<WorkflowExecutionInfo> allExecutions() {
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

  /** The API part of {@code SignupApplication}: its JSON rules and its Jersey registrations. */
  private final class ApiApplication extends Application<Configuration> {
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
      SignupApplication.registerApis(
          environment,
          Signups.on(
              clients.apply(environment),
              ids,
              TASK_QUEUE,
              ProviderQueues.NONE,
              POLICY,
              tokens,
              new TestServerClock()),
          new ApiSettings(
              new RateLimits(UNLIMITED, UNLIMITED, ""),
              false,
              DataSize.bytes(MAX_BODY_BYTES),
              new SimpleMeterRegistry()));
    }
  }

  /** The clock of the in-memory Temporal server, which jumps when a test skips time. */
  private final class TestServerClock extends Clock {
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
}
