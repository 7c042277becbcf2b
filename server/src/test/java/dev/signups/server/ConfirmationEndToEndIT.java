package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.Inbox;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The double opt-in as its user lives it, on real processes: the application from the shaded jar, a
 * Temporal dev server and an SMTP server. Each test reads the emails from the SMTP server, follows
 * their links with an HTTP client and reads the pages.
 */
class ConfirmationEndToEndIT {

  private static final Logger log = LoggerFactory.getLogger(ConfirmationEndToEndIT.class);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** A window short enough to watch it run out, with the reminder early in it. */
  private static final Map<String, String> HURRIED =
      Map.of(
          "confirmation.window", "15s",
          "confirmation.remindAfter", "3s",
          "temporal.taskQueue", "signups-hurried");

  @RegisterExtension static final RealServers servers = new RealServers();

  private static AppProcess app;
  private static AppProcess hurriedApp;
  private static SignupApi api;
  private static SignupApi hurried;
  private static Inbox inbox;

  @BeforeAll
  static void startTheApplications() throws Exception {
    app = servers.startApp(Map.of());
    hurriedApp = servers.startApp(HURRIED);
    api = app.api(PATIENCE);
    hurried = hurriedApp.api(PATIENCE);
    inbox = new Inbox(servers.smtp(), PATIENCE);
  }

  @AfterAll
  static void stopTheApplications() throws Exception {
    if (hurriedApp != null) {
      hurriedApp.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldConfirmThroughTheLinkInTheEmailAndSendTheWelcomeEmail() throws Exception {
    String id = api.signUpAccepted("ada@example.com", "Ada");
    ReceivedMessage email = inbox.await("ada@example.com", 1).get(0);
    assertThat(Inbox.subject(email)).isEqualTo(Inbox.CONFIRMATION_SUBJECT);

    HttpResponse<String> page = api.follow(Inbox.link(email));

    assertPage(page, 200, "Your address is confirmed");
    JsonNode confirmed = api.awaitStatus(id, "CONFIRMED");
    ReceivedMessage welcome = inbox.awaitLatest("ada@example.com", Inbox.WELCOME_SUBJECT);
    assertThat(confirmed.get("messageId").asText()).isEqualTo(welcome.messageId());
    assertThat(confirmed.get("lastError").isNull()).isTrue();
    List<HistoryEvent> history = servers.temporal().history(id);
    assertThat(types(history))
        .contains(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(history)
        .filteredOn(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .extracting(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .containsExactly("SendEmail", "SendWelcomeEmail");

    assertPage(api.follow(Inbox.link(email)), 200, "Already confirmed");
    assertThat(servers.temporal().history(id)).as("history untouched").isEqualTo(history);
    assertThat(inbox.await("ada@example.com", 2)).hasSize(2);
  }

  @Test
  void shouldRefuseAForgedTokenAndOneNeverSentWithoutTouchingTheWorkflow() throws Exception {
    String id = api.signUpAccepted("grace@example.com", "Grace");
    URI link = Inbox.link(inbox.await("grace@example.com", 1).get(0));
    api.awaitStatus(id, SignupApi.DELIVERED);
    List<HistoryEvent> before = servers.temporal().history(id);
    String token = Inbox.token(link);
    ConfirmationTokens tokens = new ConfirmationTokens(RealServers.TOKEN_SECRET);
    ConfirmationClaim sent = tokens.verify(token).orElseThrow();
    int hmac = token.lastIndexOf('.') + 1;
    char changed = token.charAt(hmac) == 'A' ? 'B' : 'A';
    String forged = token.substring(0, hmac) + changed + token.substring(hmac + 1);
    String neverSent =
        tokens.issue(new ConfirmationClaim(sent.signupId(), sent.expiresAt(), sent.sequence() + 1));

    for (String refused : List.of(forged, neverSent)) {
      assertPage(api.follow(withToken(link, refused)), 400, "This link is not valid");
    }

    assertThat(servers.temporal().history(id)).as("history untouched").isEqualTo(before);
    assertThat(api.view(id).get("status").asText()).isEqualTo(SignupApi.DELIVERED);
    assertPage(api.follow(link), 200, "Your address is confirmed");
    api.awaitStatus(id, "CONFIRMED");
  }

  @Test
  void shouldShowTheExpiredPageOnceTheWindowHasPassedAndSendANewLinkWhenAsked() throws Exception {
    String id = hurried.signUpAccepted("late@example.com", "Late");
    URI link = Inbox.link(inbox.await("late@example.com", 1).get(0));
    JsonNode expired = hurried.awaitStatus(id, "EXPIRED");
    assertThat(Instant.parse(expired.get("expiresAt").asText())).isBefore(Instant.now());
    List<HistoryEvent> before = servers.temporal().history(id);

    HttpResponse<String> page = hurried.follow(link);

    assertPage(page, 410, "This link has expired");
    assertThat(page.body())
        .contains("<form method=\"post\" action=\"confirm/renew\">", Inbox.token(link));
    assertThat(servers.temporal().history(id)).as("history untouched").isEqualTo(before);
    assertThat(types(before))
        .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);

    assertPage(hurried.renew(Inbox.token(link)), 200, "A new link is on its way");
    URI fresh = Inbox.link(inbox.awaitLatest("late@example.com", Inbox.CONFIRMATION_SUBJECT));
    assertThat(fresh).isNotEqualTo(link);
    assertPage(hurried.follow(fresh), 200, "Your address is confirmed");
    hurried.awaitStatus(id, "CONFIRMED");
  }

  @Test
  void shouldSendTheReminderWithALinkThatWorks() throws Exception {
    Instant signedUp = Instant.now();
    String id = hurried.signUpAccepted("lin@example.com", "Lin");

    List<ReceivedMessage> emails = inbox.await("lin@example.com", 2);
    Duration reminderAfter = Duration.between(signedUp, Instant.now());
    log.info("Reminder arrived {} ms after the signup (remindAfter 3s)", reminderAfter.toMillis());

    assertThat(emails)
        .extracting(Inbox::subject)
        .containsExactly(Inbox.CONFIRMATION_SUBJECT, Inbox.REMINDER_SUBJECT);
    assertThat(reminderAfter).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    URI reminder = Inbox.link(emails.get(1));
    assertThat(reminder).isNotEqualTo(Inbox.link(emails.get(0)));
    assertPage(hurried.follow(reminder), 200, "Your address is confirmed");
    hurried.awaitStatus(id, "CONFIRMED");
    inbox.awaitLatest("lin@example.com", Inbox.WELCOME_SUBJECT);
  }

  @Test
  void shouldSendOneEmailForTwoQuickSignupsOfOneAddress() throws Exception {
    HttpResponse<String> first = api.signUp("hedy@example.com", "Hedy");
    HttpResponse<String> second = api.signUp("Hedy@Example.com", "Hedy L.");

    assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(202);
    assertThat(second.body()).isEqualTo(first.body()).isEqualTo(SignupApi.ACCEPTED);
    String id = api.idOf("hedy@example.com");
    api.awaitStatus(id, SignupApi.DELIVERED);
    List<EventType> history = types(servers.temporal().history(id));
    assertThat(history)
        .filteredOn(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED::equals)
        .hasSize(2);
    assertThat(history).filteredOn(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED::equals).hasSize(1);
    assertThat(servers.smtp().receivedBy("hedy@example.com")).hasSize(1);
  }

  @Test
  void shouldRedriveARejectedAddressOnceTheMailServerAcceptsIt() throws Exception {
    FaultySmtpServer smtp = servers.smtp();
    smtp.rejectRecipient("bounced@example.com", 550, "5.1.1 No such user");
    String id = api.signUpAccepted("bounced@example.com", "Bounced");
    JsonNode failed = api.awaitStatus(id, "DELIVERY_FAILED");
    assertThat(failed.get("lastError").asText()).startsWith("550");
    assertThat(api.awaitListed("DELIVERY_FAILED", id).get("closedAt").isNull()).isFalse();
    smtp.reset();

    HttpResponse<String> retried = api.retry(id);

    assertThat(retried.statusCode()).isEqualTo(202);
    assertThat(retried.body()).isEqualTo(SignupApi.ACCEPTED);
    URI link = Inbox.link(inbox.await("bounced@example.com", 1).get(0));
    assertPage(api.follow(link), 200, "Your address is confirmed");
    api.awaitStatus(id, "CONFIRMED");
    api.awaitListed("CONFIRMED", id);
    assertThat(api.retry(id).statusCode()).isEqualTo(409);
  }

  private static void assertPage(HttpResponse<String> page, int status, String title) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(status);
    assertThat(page.body()).contains("<h1>" + title + "</h1>");
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWithIgnoringCase("text/html"));
  }

  private static URI withToken(URI link, String token) {
    return URI.create(link.toString().replace(Inbox.token(link), token));
  }

  private static List<EventType> types(List<HistoryEvent> history) {
    return history.stream().map(HistoryEvent::getEventType).toList();
  }
}
