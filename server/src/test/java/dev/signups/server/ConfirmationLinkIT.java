package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.Inbox;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What each method does with the genuine link of a confirmation email, on the application from its
 * jar: {@code GET} shows the page with its button and {@code HEAD} its head, and neither changes
 * anything, the history of the signup staying the same to the byte, however often, as mail scanners
 * and link previews open links; only the button's {@code POST} confirms. With one-click
 * confirmation configured, opening the link confirms, and a {@code HEAD} still does not.
 */
class ConfirmationLinkIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final HttpClient http = HttpClient.newHttpClient();

  @RegisterExtension static final RealServers servers = new RealServers();

  private static AppProcess app;

  /** The API alone, with one-click confirmation; the other application's worker sends the mail. */
  private static AppProcess oneClick;

  private static SignupApi api;
  private static Inbox inbox;

  @BeforeAll
  static void startTheApplications() throws Exception {
    app = servers.startApp(Map.of());
    oneClick = servers.startApp(Map.of("confirmation.oneClick", "true", "roles", "api"));
    api = app.api(PATIENCE);
    inbox = new Inbox(servers.smtp(), PATIENCE);
  }

  @AfterAll
  static void stopTheApplications() throws Exception {
    for (AppProcess process : new AppProcess[] {oneClick, app}) {
      if (process != null) {
        process.close();
      }
    }
  }

  @Test
  void shouldChangeNothingToTheByteWhenALinkIsOpenedOrItsHeadAskedAndConfirmOnTheButton()
      throws Exception {
    String id = api.signUpAccepted("opened@links.example", "Opened");
    URI link = Inbox.link(inbox.await("opened@links.example", 1).get(0));
    api.awaitStatus(id, SignupApi.DELIVERED);
    byte[] before = servers.temporal().settledHistory(id, PATIENCE);

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> page = open(link);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body())
          .contains(
              "<h1>Confirm your email address</h1>", "<form method=\"post\" action=\"confirm\">")
          .contains("value=\"" + Inbox.token(link) + "\"");
      assertHead(head(link));
    }

    assertUnchanged(id, before);
    assertThat(api.view(id).get("status").asText()).isEqualTo(SignupApi.DELIVERED);
    assertThat(updates(id)).isEmpty();

    HttpResponse<String> pressed = api.confirm(Inbox.token(link));

    assertThat(pressed.statusCode()).isEqualTo(200);
    assertThat(pressed.body()).contains("<h1>Your address is confirmed</h1>");
    api.awaitStatus(id, "CONFIRMED");
    assertThat(updates(id))
        .containsExactly(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  }

  @Test
  void shouldConfirmOnOpeningWithOneClickConfiguredButNeverOnHead() throws Exception {
    String id = api.signUpAccepted("one-click@links.example", "One Click");
    URI sent = Inbox.link(inbox.await("one-click@links.example", 1).get(0));
    URI link = onPort(sent, oneClick.port());
    api.awaitStatus(id, SignupApi.DELIVERED);
    byte[] before = servers.temporal().settledHistory(id, PATIENCE);

    for (int i = 0; i < 3; i++) {
      assertHead(head(link));
    }

    assertUnchanged(id, before);
    assertThat(api.view(id).get("status").asText()).isEqualTo(SignupApi.DELIVERED);

    HttpResponse<String> opened = open(link);

    assertThat(opened.statusCode()).isEqualTo(200);
    assertThat(opened.body()).contains("<h1>Your address is confirmed</h1>");
    api.awaitStatus(id, "CONFIRMED");
    assertThat(updates(id)).hasSize(2);
    byte[] confirmed = servers.temporal().settledHistory(id, PATIENCE);
    assertHead(head(link));
    assertUnchanged(id, confirmed);
  }

  private static HttpResponse<String> open(URI link) throws Exception {
    return http.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> head(URI link) throws Exception {
    return http.send(
        HttpRequest.newBuilder(link).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The head of the page with the button: 200, HTML, never cached, and no body. */
  private static void assertHead(HttpResponse<String> head) {
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWithIgnoringCase("text/html"));
    assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  private static void assertUnchanged(String id, byte[] before) {
    assertThat(Arrays.equals(servers.temporal().historyBytes(id), before))
        .as("the history of %s, to the byte", id)
        .isTrue();
  }

  private static List<EventType> updates(String id) {
    return servers.temporal().history(id).stream()
        .map(HistoryEvent::getEventType)
        .filter(
            type ->
                type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
                    || type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
        .toList();
  }

  private static URI onPort(URI link, int port) {
    return URI.create(link.toString().replace(":" + link.getPort() + "/", ":" + port + "/"));
  }
}
