package dev.signups.activities.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.signups.activities.EmailFailure;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.Recipient;
import dev.signups.activities.testing.FaultySmtpServerExtension;
import dev.signups.activities.testing.Ports;
import dev.signups.activities.testing.TestSmtpSettings;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmtpEmailSenderTest {

  private static final Recipient ZOE = new Recipient("zoe@example.com", "Zoë Müller");
  private static final Duration SETTLE = Duration.ofSeconds(5);

  private static final String LOOPBACK = "127.0.0.1";
  // A Java class name such as MessagingException or SocketTimeoutException.
  private static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Z]\\w*(Exception|Error)\\b");

  private static OutgoingEmail email(String key, Recipient recipient) {
    return new OutgoingEmail(
        key, recipient, "Bitte bestätigen ✓", "Hallo Zoë ✓", "<p>Hallo Zoë ✓</p>");
  }

  @Nested
  class AgainstGreenMail {

    @RegisterExtension
    final GreenMailExtension greenMail =
        new GreenMailExtension(
            new ServerSetup(0, LOOPBACK, ServerSetup.PROTOCOL_SMTP).dynamicPort());

    private SmtpEmailSender sender() {
      return new SmtpEmailSender(
          TestSmtpSettings.forServer(LOOPBACK, greenMail.getSmtp().getPort()));
    }

    private MimeMessage sendAndReceive(OutgoingEmail email) throws Exception {
      sender().send(email);
      assertThat(greenMail.waitForIncomingEmail(SETTLE.toMillis(), 1)).isTrue();
      return greenMail.getReceivedMessages()[0];
    }

    @Test
    void shouldSendMultipartAlternativeWithUtf8TextAndHtmlParts() throws Exception {
      MimeMessage received = sendAndReceive(email("k1", ZOE));

      assertThat(received.getContentType()).startsWith("multipart/alternative");
      MimeMultipart parts = (MimeMultipart) received.getContent();
      assertThat(parts.getCount()).isEqualTo(2);
      assertThat(parts.getBodyPart(0).getContentType())
          .startsWith("text/plain")
          .containsIgnoringCase("charset=UTF-8");
      assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Hallo Zoë ✓");
      assertThat(parts.getBodyPart(1).getContentType())
          .startsWith("text/html")
          .containsIgnoringCase("charset=UTF-8");
      assertThat(parts.getBodyPart(1).getContent()).isEqualTo("<p>Hallo Zoë ✓</p>");
    }

    @Test
    void shouldSetFromToAndSubjectHeaders() throws Exception {
      MimeMessage received = sendAndReceive(email("k1", ZOE));

      assertThat(received.getFrom())
          .extracting(a -> ((InternetAddress) a).getAddress())
          .containsExactly(TestSmtpSettings.FROM);
      InternetAddress to = (InternetAddress) received.getRecipients(Message.RecipientType.TO)[0];
      assertThat(to.getAddress()).isEqualTo("zoe@example.com");
      assertThat(to.getPersonal()).isEqualTo("Zoë Müller");
      assertThat(received.getSubject()).isEqualTo("Bitte bestätigen ✓");
    }

    @Test
    void shouldEncodeNonAsciiHeadersForTheWire() throws Exception {
      MimeMessage received = sendAndReceive(email("k1", ZOE));

      String to = received.getHeader("To", null);
      String subject = received.getHeader("Subject", null);
      assertThat(to).containsIgnoringCase("=?UTF-8?").contains("<zoe@example.com>");
      assertThat(subject).containsIgnoringCase("=?UTF-8?");
      assertThat(StandardCharsets.US_ASCII.newEncoder().canEncode(to + subject)).isTrue();
    }

    @Test
    void shouldUseTheMessageKeyAtTheSenderDomainAsMessageId() throws Exception {
      String expected = "<k1@" + TestSmtpSettings.SENDER_DOMAIN + ">";

      String returned = sender().send(email("k1", ZOE));

      assertThat(returned).isEqualTo(expected);
      assertThat(greenMail.waitForIncomingEmail(SETTLE.toMillis(), 1)).isTrue();
      assertThat(greenMail.getReceivedMessages()[0].getMessageID()).isEqualTo(expected);
    }

    @Test
    void shouldSendTheSameMessageIdEveryTimeTheSameEmailIsSent() throws Exception {
      SmtpEmailSender sender = sender();

      String first = sender.send(email("signup-42", ZOE));
      String second = sender.send(email("signup-42", ZOE));

      assertThat(second).isEqualTo(first).isEqualTo("<signup-42@signups.example>");
      assertThat(greenMail.waitForIncomingEmail(SETTLE.toMillis(), 2)).isTrue();
      assertThat(greenMail.getReceivedMessages())
          .extracting(MimeMessage::getMessageID)
          .containsExactly(first, first);
    }

    @Test
    void shouldEscapeTheNameInTheHtmlPartAndKeepItVerbatimInTheTextPart() throws Exception {
      String name = "<script>alert('x')</script> & \"Bob\"";
      OutgoingEmail email =
          EmailTemplate.load("welcome")
              .render(
                  new EmailRequest(
                      "k1", new Recipient("bob@example.com", name), EmailKind.WELCOME, null),
                  null);

      MimeMultipart parts = (MimeMultipart) sendAndReceive(email).getContent();

      String text = (String) parts.getBodyPart(0).getContent();
      String html = (String) parts.getBodyPart(1).getContent();
      assertThat(text).contains("Hi " + name + ",");
      assertThat(html)
          .contains("Hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Bob&quot;,")
          .doesNotContain("<script>");
    }
  }

  @Nested
  class AgainstAFaultyServer {

    @RegisterExtension final FaultySmtpServerExtension smtp = new FaultySmtpServerExtension();

    private EmailDeliveryException sendFailure() {
      return failureOf(TestSmtpSettings.forServer(smtp.server()), ZOE);
    }

    @Test
    void shouldClassify421GreetingAsTransient() {
      smtp.server().rejectGreeting(421, "4.3.2 Too busy, try later");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).contains("421").contains("Too busy, try later");
    }

    @Test
    void shouldClassify554GreetingAsPermanent() {
      smtp.server().rejectGreeting(554, "5.7.1 No SMTP service here");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.PermanentEmailFailure);
      assertThat(failure.getMessage()).contains("554").contains("No SMTP service here");
    }

    @Test
    void shouldClassify421AtRecipientAsTransient() {
      smtp.server().rejectAllRecipients(421, "4.4.5 Shutting down");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).startsWith("421").contains("Shutting down");
    }

    @Test
    void shouldClassify451AtRecipientAsTransient() {
      smtp.server().rejectAllRecipients(451, "4.7.1 Greylisted, come back later");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).startsWith("451").contains("Greylisted");
    }

    @Test
    void shouldClassify451AtMailFromAsTransient() {
      smtp.server().failTransactions(451, "4.3.0 Local error in processing");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).startsWith("451").contains("Local error in processing");
    }

    @Test
    void shouldDeliverOnceTheTransientFailuresAreOver() throws Exception {
      smtp.server().failNextTransactions(2, 421, "4.3.2 Busy");

      assertThat(sendFailure().failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(sendFailure().failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      String messageId =
          new SmtpEmailSender(TestSmtpSettings.forServer(smtp.server())).send(email("k", ZOE));

      assertThat(smtp.server().awaitMessages(1, SETTLE))
          .singleElement()
          .satisfies(m -> assertThat(m.messageId()).isEqualTo(messageId))
          .satisfies(m -> assertThat(m.recipients()).containsExactly("zoe@example.com"))
          .satisfies(m -> assertThat(m.sender()).isEqualTo(TestSmtpSettings.FROM));
    }

    @Test
    void shouldClassify550ForTheRecipientAsPermanent() {
      Recipient poison = new Recipient("poison@example.com", "Poison");
      smtp.server().rejectRecipient("poison@example.com", 550, "5.1.1 No such user here");

      EmailDeliveryException failure = failureOf(TestSmtpSettings.forServer(smtp.server()), poison);

      assertThat(failure.failure()).isEqualTo(EmailFailure.PermanentEmailFailure);
      assertThat(failure.getMessage()).startsWith("550").contains("5.1.1 No such user here");
      assertThat(smtp.server().received()).isEmpty();
    }

    @Test
    void shouldClassify554ForTheMessageAsPermanent() {
      smtp.server().failTransactions(554, "5.7.1 Sender blocked");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.PermanentEmailFailure);
      assertThat(failure.getMessage()).startsWith("554").contains("Sender blocked");
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldGiveUpWithinTheReadTimeoutWhenTheServerNeverGreets() {
      smtp.server().neverAnswer();

      long start = System.nanoTime();
      EmailDeliveryException failure = sendFailure();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).contains(smtp.server().host() + ":" + smtp.server().port());
      assertThat(took)
          .isGreaterThanOrEqualTo(TestSmtpSettings.TIMEOUT.minusMillis(100))
          .isLessThan(Duration.ofSeconds(3));
      assertThat(smtp.server().connections()).isEqualTo(1);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldReportOutcomeUnknownWhenTheReplyToTheMessageTimesOut() {
      smtp.server().delayData(Duration.ofSeconds(5));

      long start = System.nanoTime();
      EmailDeliveryException failure = sendFailure();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(failure.failure()).isEqualTo(EmailFailure.DeliveryOutcomeUnknown);
      assertThat(failure.getMessage()).contains(smtp.server().host() + ":" + smtp.server().port());
      assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldReportOutcomeUnknownWhenTheConnectionDropsAfterTheMessage() throws Exception {
      smtp.server().dropAfterData();

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.DeliveryOutcomeUnknown);
      assertThat(failure.getMessage()).contains(smtp.server().host() + ":" + smtp.server().port());
      assertThat(smtp.server().awaitMessages(1, SETTLE))
          .singleElement()
          .satisfies(m -> assertThat(m.messageId()).isEqualTo("<k@signups.example>"));
    }
  }

  @Test
  void shouldClassifyARefusedConnectionAsTransientNamingHostAndPort() throws IOException {
    int closedPort = Ports.free();

    EmailDeliveryException failure =
        failureOf(TestSmtpSettings.forServer(LOOPBACK, closedPort), ZOE);

    assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
    assertThat(failure.getMessage()).contains(LOOPBACK + ":" + closedPort);
  }

  // Sends to recipient, expecting a failure whose message is fit for a person to read.
  private static EmailDeliveryException failureOf(SmtpSettings settings, Recipient recipient) {
    SmtpEmailSender sender = new SmtpEmailSender(settings);
    EmailDeliveryException failure =
        catchThrowableOfType(
            EmailDeliveryException.class, () -> sender.send(email("k", recipient)));
    assertThat(failure).as("the send should have failed").isNotNull();
    assertThat(failure.getMessage())
        .doesNotContainPattern(CLASS_NAME)
        .doesNotContain("\tat ")
        .doesNotContain("java.")
        .doesNotContain("jakarta.");
    return failure;
  }
}
