package dev.signups.server.resources;

import static dev.signups.server.testing.InMemorySignups.POLICY;
import static dev.signups.server.testing.InMemorySignups.follow;
import static dev.signups.server.testing.InMemorySignups.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.core.SignupIds;
import dev.signups.server.testing.InMemorySignups;
import dev.signups.server.testing.Inbox;
import dev.signups.workflows.SignupState;
import dev.signups.workflows.SignupStatus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The confirmation pages and the renewal of an expired link, on the service of {@link
 * InMemorySignups}: a real Jetty in front of an in-memory Temporal server running the real
 * workflow, whose real activity sends to a real SMTP server.
 */
class ConfirmationResourceTest {

  @RegisterExtension static final InMemorySignups signups = new InMemorySignups();

  private static final SignupIds ids = signups.ids();
  private static final ConfirmationTokens tokens = signups.tokens();

  @Test
  void shouldConfirmThroughTheLinkAndSendTheWelcomeEmail() throws Exception {
    String address = "margaret@example.com";
    String id = ids.idFor(address);
    URI link = signups.signUpForLink(address);

    HttpResponse<String> confirmed = follow(link);

    assertPage(confirmed, 200, "Your address is confirmed");
    assertThat(confirmed.body()).doesNotContain("<form", "<script");
    ReceivedMessage welcome = signups.inbox().awaitLatest(address, Inbox.WELCOME_SUBJECT);
    SignupState state = signups.awaitStatus(id, SignupStatus.CONFIRMED);
    assertThat(state.messageId()).isEqualTo(welcome.messageId());
    assertThat(signups.count(id, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED))
        .isEqualTo(1);
  }

  @Test
  void shouldSayAlreadyConfirmedForALinkFollowedAgain() throws Exception {
    String address = "frances@example.com";
    String id = ids.idFor(address);
    URI link = signups.signUpForLink(address);
    assertThat(follow(link).statusCode()).isEqualTo(200);
    signups.awaitStatus(id, SignupStatus.CONFIRMED);
    List<HistoryEvent> before = signups.effects(id);

    HttpResponse<String> again = follow(link);

    assertPage(again, 200, "Already confirmed");
    assertThat(signups.effects(id)).as("a refused update leaves no trace").isEqualTo(before);
    assertThat(signups.inbox().await(address, 2))
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
    URI genuine = signups.signUpForLink(address);
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    List<HistoryEvent> before = signups.effects(id);
    String forged = forge.apply(Inbox.token(genuine));
    assertThat(forged).isNotEqualTo(Inbox.token(genuine));

    HttpResponse<String> refused = signups.confirmPage(forged);

    assertPage(refused, 400, "This link is not valid");
    assertThat(refused.body()).doesNotContain("<form");
    assertThat(signups.effects(id)).as("history untouched").isEqualTo(before);
    assertThat(signups.state(id).status()).isEqualTo(SignupStatus.AWAITING_CONFIRMATION);
    assertThat(page(follow(genuine))).isEqualTo("Your address is confirmed");
  }

  @Test
  void shouldRefuseTheLinkOfASignupAnOperatorTerminated() throws Exception {
    String address = "terminated@example.com";
    String id = ids.idFor(address);
    URI link = signups.signUpForLink(address);
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    signups.temporal().getWorkflowClient().newUntypedWorkflowStub(id).terminate("operator test");

    assertPage(follow(link), 400, "This link is not valid");
  }

  @Test
  void shouldOfferANewLinkForAnExpiredOneAndSendItWhenAsked() throws Exception {
    String address = "expired@example.com";
    String id = ids.idFor(address);
    URI link = signups.signUpForLink(address);
    signups.temporal().sleep(POLICY.window().plusMinutes(1));
    signups.awaitStatus(id, SignupStatus.EXPIRED);
    List<HistoryEvent> before = signups.history(id);

    HttpResponse<String> expired = follow(link);

    assertPage(expired, 410, "This link has expired");
    assertThat(expired.body())
        .contains(
            "<form method=\"post\" action=\"confirm/renew\">",
            "<input type=\"hidden\" name=\"token\" value=\"" + Inbox.token(link) + "\">");
    assertThat(signups.history(id)).as("history untouched").isEqualTo(before);

    HttpResponse<String> renewed = signups.renew(Inbox.token(link));

    assertPage(renewed, 200, "A new link is on its way");
    ReceivedMessage fresh = signups.inbox().awaitLatest(address, Inbox.CONFIRMATION_SUBJECT);
    assertThat(Inbox.link(fresh)).isNotEqualTo(link);
    assertThat(signups.executionsOf(id)).hasSize(2);
    assertPage(signups.renew(Inbox.token(link)), 200, "Check your inbox");
    assertThat(signups.executionsOf(id)).hasSize(2);
    assertThat(page(follow(Inbox.link(fresh)))).isEqualTo("Your address is confirmed");
    signups.awaitStatus(id, SignupStatus.CONFIRMED);
    assertPage(signups.renew(Inbox.token(link)), 200, "Already confirmed");
    assertThat(signups.executionsOf(id)).hasSize(2);
  }

  @Test
  void shouldRefuseToRenewWithAForgedToken() throws Exception {
    String genuine =
        tokens.issue(
            new ConfirmationClaim(
                ids.idFor("nobody@example.com"), Instant.now().plusSeconds(60), 1));

    assertPage(signups.renew(swap(genuine, genuine.length() - 2)), 400, "This link is not valid");
    assertThat(signups.activity().attempts()).isZero();
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

  /** {@code token} with the character at {@code index} replaced by another of its kind. */
  private static String swap(String token, int index) {
    char c = token.charAt(index);
    char other =
        Character.isDigit(c)
            ? (char) ('0' + (c - '0' + 1) % 10)
            : Character.isLowerCase(c) ? (c == 'a' ? 'b' : 'a') : c == 'A' ? 'B' : 'A';
    return token.substring(0, index) + other + token.substring(index + 1);
  }
}
