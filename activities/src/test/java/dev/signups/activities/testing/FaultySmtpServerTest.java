package dev.signups.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.signups.activities.EmailFailure;
import dev.signups.activities.Recipient;
import dev.signups.activities.mail.EmailDeliveryException;
import dev.signups.activities.mail.OutgoingEmail;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultySmtpServerTest {

  private static final OutgoingEmail EMAIL =
      new OutgoingEmail(
          "k", new Recipient("ada@example.com", "Ada"), "Subject", "Text body", "<p>HTML</p>");

  @RegisterExtension final FaultySmtpServerExtension smtp = new FaultySmtpServerExtension();

  @Test
  void shouldListenOnLoopbackOnAPortChosenByTheSystem() {
    try (FaultySmtpServer other = FaultySmtpServer.start()) {
      assertThat(smtp.server().host()).isEqualTo("127.0.0.1");
      assertThat(smtp.server().port()).isPositive().isNotEqualTo(other.port());
    }
  }

  @Test
  void shouldRecordTheMessageAsTheClientSentIt() throws Exception {
    String messageId = smtp.sender().send(EMAIL);

    FaultySmtpServer.ReceivedMessage received =
        smtp.server().awaitMessages(1, Duration.ofSeconds(5)).get(0);
    assertThat(received.messageId()).isEqualTo(messageId);
    assertThat(received.sender()).isEqualTo(TestSmtpSettings.FROM);
    assertThat(received.recipients()).containsExactly("ada@example.com");
    assertThat(new String(received.raw(), StandardCharsets.US_ASCII))
        .contains("\r\nMessage-ID: " + messageId + "\r\n")
        .doesNotContain("Received:");
    assertThat(received.parse().getSubject()).isEqualTo("Subject");
    assertThat(smtp.server().connections()).isEqualTo(1);
  }

  @Test
  void shouldFailTheAwaitWhenTooFewMessagesArrive() {
    assertThatThrownBy(() -> smtp.server().awaitMessages(1, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expected 1 message(s) within PT0.05S but received 0");
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void shouldAcceptEverythingAgainAfterReset() throws Exception {
    smtp.server().neverAnswer();
    smtp.server().rejectGreeting(421, "4.3.2 Busy");
    smtp.server().rejectAllRecipients(550, "5.1.1 No such user");
    smtp.server().failTransactions(451, "4.3.0 Later");
    smtp.server().dropAfterData();
    smtp.server().delayData(Duration.ofSeconds(30));
    catchThrowableOfType(EmailDeliveryException.class, () -> smtp.sender().send(EMAIL));

    smtp.server().reset();

    assertThat(smtp.sender().send(EMAIL)).isEqualTo("<k@signups.example>");
    assertThat(smtp.server().awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void shouldRefuseConnectionsUntilResetThenListenOnTheSamePort() throws Exception {
    int port = smtp.server().port();

    smtp.server().refuseConnections();

    assertThatThrownBy(() -> new Socket(smtp.server().host(), port).close())
        .isInstanceOf(ConnectException.class);
    assertThat(catchThrowableOfType(EmailDeliveryException.class, () -> smtp.sender().send(EMAIL)))
        .extracting(EmailDeliveryException::failure)
        .isEqualTo(EmailFailure.TransientEmailFailure);

    smtp.server().reset();

    assertThat(smtp.server().port()).isEqualTo(port);
    assertThat(smtp.sender().send(EMAIL)).isEqualTo("<k@signups.example>");
    assertThat(smtp.server().awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
  }

  @Test
  void shouldRecordTheTimeOfEveryAttemptToSendToARecipient() throws Exception {
    Instant start = Instant.now();
    smtp.server().rejectAllRecipients(421, "4.3.2 Service not available, closing channel");
    catchThrowableOfType(EmailDeliveryException.class, () -> smtp.sender().send(EMAIL));
    catchThrowableOfType(EmailDeliveryException.class, () -> smtp.sender().send(EMAIL));
    smtp.server().reset();
    smtp.sender().send(EMAIL);
    Instant end = Instant.now();

    List<Instant> attempts = smtp.server().recipientAttempts("ADA@example.com");
    assertThat(attempts).hasSize(3).isSorted().allSatisfy(t -> assertThat(t).isBetween(start, end));
    assertThat(smtp.server().received())
        .singleElement()
        .satisfies(m -> assertThat(m.receivedAt()).isBetween(attempts.get(2), end));
    assertThat(smtp.server().recipientAttempts("grace@example.com")).isEmpty();
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void shouldSay421AndCloseTheIdleConnections() throws Exception {
    try (Socket client = new Socket(smtp.server().host(), smtp.server().port())) {
      BufferedReader replies = replies(client);
      assertThat(replies.readLine()).startsWith("220 ");
      assertThat(smtp.server().openConnections()).isEqualTo(1);

      smtp.server().closeIdleConnections();

      assertThat(replies.readLine()).startsWith("421 4.4.2 ");
      assertThat(replies.readLine()).isNull();
      smtp.server().awaitOpenConnections(0, Duration.ofSeconds(5));
    }
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void shouldDropTheIdleConnectionsWithoutAWord() throws Exception {
    try (Socket client = new Socket(smtp.server().host(), smtp.server().port())) {
      BufferedReader replies = replies(client);
      assertThat(replies.readLine()).startsWith("220 ");

      smtp.server().dropIdleConnections();

      assertThat(replies.readLine()).isNull();
      smtp.server().awaitOpenConnections(0, Duration.ofSeconds(5));
    }
  }

  @Test
  void shouldCountTheConnectionsOpenNow() throws Exception {
    assertThat(smtp.server().openConnections()).isZero();
    smtp.sender().send(EMAIL);
    assertThat(smtp.server().openConnections()).as("kept by the sender's pool").isEqualTo(1);

    smtp.sender().close();

    smtp.server().awaitOpenConnections(0, Duration.ofSeconds(5));
    assertThat(smtp.server().connections()).isEqualTo(1);
  }

  @Test
  void shouldRefuseAReplyCodeThatIsNotAFailure() {
    assertThatThrownBy(() -> smtp.server().rejectAllRecipients(250, "OK"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("250");
  }

  private static BufferedReader replies(Socket client) throws IOException {
    return new BufferedReader(
        new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
  }
}
