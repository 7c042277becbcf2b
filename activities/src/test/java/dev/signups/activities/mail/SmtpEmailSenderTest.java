package dev.signups.activities.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.signups.activities.EmailFailure;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.Recipient;
import dev.signups.activities.testing.Connection;
import dev.signups.activities.testing.FaultySmtpServer;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpEmailSenderTest {

  private static final Recipient ZOE = new Recipient("zoe@example.com", "Zoë Müller");
  private static final Recipient EARLIER = new Recipient("earlier@example.com", "Earlier");
  private static final Duration IDLE = Duration.ofSeconds(30);
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

    private SmtpEmailSender sender;

    @BeforeEach
    void createSender() {
      sender =
          new SmtpEmailSender(TestSmtpSettings.forServer(LOOPBACK, greenMail.getSmtp().getPort()));
    }

    @AfterEach
    void closeSender() {
      sender.close();
    }

    private MimeMessage sendAndReceive(OutgoingEmail email) throws Exception {
      sender.send(email);
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

      String returned = sender.send(email("k1", ZOE));

      assertThat(returned).isEqualTo(expected);
      assertThat(greenMail.waitForIncomingEmail(SETTLE.toMillis(), 1)).isTrue();
      assertThat(greenMail.getReceivedMessages()[0].getMessageID()).isEqualTo(expected);
    }

    @Test
    void shouldSendTheSameMessageIdEveryTimeTheSameEmailIsSent() throws Exception {
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

    /** For {@link Connection#REUSED}, sends an email that leaves its connection in the pool. */
    private void prepare(Connection connection) throws EmailDeliveryException {
      if (connection == Connection.REUSED) {
        smtp.sender().send(email("earlier", EARLIER));
      }
    }

    private EmailDeliveryException sendFailure() {
      return failureOf(smtp.sender(), ZOE);
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

    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldClassify421AtRecipientAsTransient(Connection connection) throws Exception {
      prepare(connection);
      smtp.server().rejectAllRecipients(421, "4.4.5 Shutting down");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).startsWith("421").contains("Shutting down");
      assertThat(smtp.server().connections()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldClassify451AtRecipientAsTransient(Connection connection) throws Exception {
      prepare(connection);
      smtp.server().rejectAllRecipients(451, "4.7.1 Greylisted, come back later");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).startsWith("451").contains("Greylisted");
      assertThat(smtp.server().connections()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldClassify451AtMailFromAsTransient(Connection connection) throws Exception {
      prepare(connection);
      smtp.server().failTransactions(451, "4.3.0 Local error in processing");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).startsWith("451").contains("Local error in processing");
      assertThat(smtp.server().connections()).as("no new connection for a 451").isEqualTo(1);
    }

    @Test
    void shouldDeliverOnceTheTransientFailuresAreOver() throws Exception {
      smtp.server().failNextTransactions(2, 421, "4.3.2 Busy");

      assertThat(sendFailure().failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(sendFailure().failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      String messageId = smtp.sender().send(email("k", ZOE));

      assertThat(smtp.server().awaitMessages(1, SETTLE))
          .singleElement()
          .satisfies(m -> assertThat(m.messageId()).isEqualTo(messageId))
          .satisfies(m -> assertThat(m.recipients()).containsExactly("zoe@example.com"))
          .satisfies(m -> assertThat(m.sender()).isEqualTo(TestSmtpSettings.FROM));
      assertThat(smtp.server().connections()).as("one per attempt").isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldClassify550ForTheRecipientAsPermanent(Connection connection) throws Exception {
      prepare(connection);
      Recipient poison = new Recipient("poison@example.com", "Poison");
      smtp.server().rejectRecipient("poison@example.com", 550, "5.1.1 No such user here");

      EmailDeliveryException failure = failureOf(smtp.sender(), poison);

      assertThat(failure.failure()).isEqualTo(EmailFailure.PermanentEmailFailure);
      assertThat(failure.getMessage()).startsWith("550").contains("5.1.1 No such user here");
      assertThat(smtp.server().receivedBy("poison@example.com")).isEmpty();
      assertThat(smtp.server().connections()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldClassify554ForTheMessageAsPermanent(Connection connection) throws Exception {
      prepare(connection);
      smtp.server().failTransactions(554, "5.7.1 Sender blocked");

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.PermanentEmailFailure);
      assertThat(failure.getMessage()).startsWith("554").contains("Sender blocked");
      assertThat(smtp.server().connections()).isEqualTo(1);
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

    @ParameterizedTest
    @EnumSource(Connection.class)
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldReportOutcomeUnknownWhenTheReplyToTheMessageTimesOut(Connection connection)
        throws Exception {
      prepare(connection);
      smtp.server().delayData(Duration.ofSeconds(5));

      long start = System.nanoTime();
      EmailDeliveryException failure = sendFailure();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(failure.failure()).isEqualTo(EmailFailure.DeliveryOutcomeUnknown);
      assertThat(failure.getMessage()).contains(smtp.server().host() + ":" + smtp.server().port());
      assertThat(took).isLessThan(Duration.ofSeconds(3));
      assertThat(smtp.server().connections()).as("not resent").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldReportOutcomeUnknownWhenTheConnectionDropsAfterTheMessage(Connection connection)
        throws Exception {
      prepare(connection);
      smtp.server().dropAfterData();

      EmailDeliveryException failure = sendFailure();

      assertThat(failure.failure()).isEqualTo(EmailFailure.DeliveryOutcomeUnknown);
      assertThat(failure.getMessage()).contains(smtp.server().host() + ":" + smtp.server().port());
      smtp.server().awaitMessages(connection == Connection.REUSED ? 2 : 1, SETTLE);
      assertThat(smtp.server().receivedBy(ZOE.address()))
          .singleElement()
          .satisfies(m -> assertThat(m.messageId()).isEqualTo("<k@signups.example>"));
      assertThat(smtp.server().connections()).as("not resent").isEqualTo(1);
    }
  }

  /** The connection pool: which connections are reused, replaced and closed. */
  @Nested
  class ReusingConnections {

    @RegisterExtension final FaultySmtpServerExtension smtp = new FaultySmtpServerExtension();

    private SmtpEmailSender sender(SmtpSettings.Pool pool) {
      return new SmtpEmailSender(TestSmtpSettings.forServer(smtp.server(), pool));
    }

    @Test
    void shouldSendEmailsInARowOverOneConnection() throws Exception {
      try (SmtpEmailSender sender = sender(TestSmtpSettings.POOL)) {
        sender.send(email("k1", ZOE));
        sender.send(email("k2", ZOE));

        assertThat(smtp.server().awaitMessages(2, SETTLE)).hasSize(2);
        assertThat(smtp.server().connections()).isEqualTo(1);
      }
    }

    @Test
    void shouldConnectForEveryEmailWithoutIdleConnections() throws Exception {
      try (SmtpEmailSender sender = sender(new SmtpSettings.Pool(0, IDLE, 100))) {
        sender.send(email("k1", ZOE));
        sender.send(email("k2", ZOE));

        assertThat(smtp.server().awaitMessages(2, SETTLE)).hasSize(2);
        assertThat(smtp.server().connections()).isEqualTo(2);
        smtp.server().awaitOpenConnections(0, SETTLE);
      }
    }

    @ParameterizedTest(name = "saying 421 first: {0}")
    @ValueSource(booleans = {true, false})
    void shouldSendOverANewConnectionWhenTheServerClosedTheIdleOne(boolean with421)
        throws Exception {
      try (SmtpEmailSender sender = sender(TestSmtpSettings.POOL)) {
        sender.send(email("earlier", EARLIER));
        if (with421) {
          smtp.server().closeIdleConnections();
        } else {
          smtp.server().dropIdleConnections();
        }
        smtp.server().awaitOpenConnections(0, SETTLE);

        String messageId = sender.send(email("k", ZOE));

        smtp.server().awaitMessages(2, SETTLE);
        assertThat(smtp.server().receivedBy(ZOE.address()))
            .singleElement()
            .satisfies(m -> assertThat(m.messageId()).isEqualTo(messageId));
        assertThat(smtp.server().connections()).isEqualTo(2);
      }
    }

    @Test
    void shouldResendOverANewConnectionWhenTheReusedOneGets421AtMailFrom() throws Exception {
      try (SmtpEmailSender sender = sender(TestSmtpSettings.POOL)) {
        sender.send(email("earlier", EARLIER));
        smtp.server().failNextTransactions(1, 421, "4.4.2 Idle timeout, closing connection");

        sender.send(email("k", ZOE));

        smtp.server().awaitMessages(2, SETTLE);
        assertThat(smtp.server().receivedBy(ZOE.address())).hasSize(1);
        assertThat(smtp.server().connections()).isEqualTo(2);
      }
    }

    @Test
    void shouldReportTheNewConnectionsFailureWithoutTryingAThird() throws Exception {
      try (SmtpEmailSender sender = sender(TestSmtpSettings.POOL)) {
        sender.send(email("earlier", EARLIER));
        smtp.server().failTransactions(421, "4.7.0 Try again later, slow down");

        EmailDeliveryException failure = failureOf(sender, ZOE);

        assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
        assertThat(failure.getMessage()).startsWith("421").contains("slow down");
        assertThat(smtp.server().connections()).isEqualTo(2);
      }
    }

    @ParameterizedTest
    @ValueSource(ints = {451, 550})
    void shouldConnectAgainAfterAFailedTransaction(int code) throws Exception {
      try (SmtpEmailSender sender = sender(TestSmtpSettings.POOL)) {
        sender.send(email("earlier", EARLIER));
        smtp.server().rejectAllRecipients(code, "Not this one");
        failureOf(sender, ZOE);
        smtp.server().reset();

        sender.send(email("k", ZOE));

        assertThat(smtp.server().connections()).isEqualTo(2);
        smtp.server().awaitOpenConnections(1, SETTLE);
      }
    }

    @Test
    void shouldCloseRatherThanReuseAConnectionIdleForLongerThanMaxIdleTime() throws Exception {
      Duration maxIdleTime = Duration.ofMillis(100);
      try (SmtpEmailSender sender = sender(new SmtpSettings.Pool(8, maxIdleTime, 100))) {
        sender.send(email("k1", ZOE));
        Thread.sleep(maxIdleTime.multipliedBy(3).toMillis());

        sender.send(email("k2", ZOE));

        assertThat(smtp.server().connections()).isEqualTo(2);
        smtp.server().awaitOpenConnections(1, SETTLE);
      }
    }

    @Test
    void shouldCloseAConnectionOnceItCarriedMaxMessagesPerConnection() throws Exception {
      try (SmtpEmailSender sender = sender(new SmtpSettings.Pool(8, IDLE, 2))) {
        for (int i = 0; i < 5; i++) {
          sender.send(email("k" + i, ZOE));
        }

        assertThat(smtp.server().awaitMessages(5, SETTLE)).hasSize(5);
        assertThat(smtp.server().connections()).isEqualTo(3);
        smtp.server().awaitOpenConnections(1, SETTLE);
      }
    }

    @Test
    void shouldCloseTheIdleConnectionsWhenClosed() throws Exception {
      SmtpEmailSender sender = sender(TestSmtpSettings.POOL);
      sender.send(email("k", ZOE));
      assertThat(smtp.server().openConnections()).isEqualTo(1);

      sender.close();

      smtp.server().awaitOpenConnections(0, SETTLE);
    }

    @Test
    void shouldTimeEveryConnectionsWritesOnOneThreadThatEndsWithTheSender() throws Exception {
      String name = "smtp-write-timeouts-" + smtp.server().host() + ":" + smtp.server().port();
      SmtpEmailSender sender = sender(new SmtpSettings.Pool(0, IDLE, 100));
      for (int i = 0; i < 3; i++) {
        sender.send(email("k" + i, ZOE));
      }
      List<Thread> timing = threadsNamed(name);
      assertThat(timing).hasSize(1);

      sender.close();

      timing.get(0).join(SETTLE.toMillis());
      assertThat(threadsNamed(name)).isEmpty();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverEveryEmailOnceFromManyThreadsOverAtMostOneConnectionEach() throws Exception {
      int threads = 16;
      try (SmtpEmailSender sender = sender(new SmtpSettings.Pool(threads, IDLE, 100))) {
        sendFromThreads(sender, threads, 5, () -> {});

        assertThat(smtp.server().connections()).isBetween(1, threads);
        assertThat(sender.idleConnections()).isEqualTo(smtp.server().connections());
      }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDeliverEveryEmailOnceFromManyThreadsKeepingAtMostMaxIdleConnections()
        throws Exception {
      int threads = 16;
      int emailsEach = 5;
      int maxIdle = 4;
      try (SmtpEmailSender sender = sender(new SmtpSettings.Pool(maxIdle, IDLE, 100))) {
        AtomicInteger mostIdle = new AtomicInteger();

        sendFromThreads(
            sender,
            threads,
            emailsEach,
            () -> mostIdle.accumulateAndGet(sender.idleConnections(), Math::max));

        assertThat(mostIdle.get()).isLessThanOrEqualTo(maxIdle);
        assertThat(sender.idleConnections()).isBetween(1, maxIdle);
        assertThat(smtp.server().connections()).isLessThan(threads * emailsEach);
        smtp.server().awaitOpenConnections(sender.idleConnections(), SETTLE);
      }
    }

    /**
     * Sends {@code emailsEach} emails from each of {@code threads} threads at once, running {@code
     * watch} over and over meanwhile, and checks that the server received each email once.
     */
    private void sendFromThreads(
        SmtpEmailSender sender, int threads, int emailsEach, Runnable watch) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      AtomicBoolean sending = new AtomicBoolean(true);
      Thread watcher =
          new Thread(
              () -> {
                while (sending.get()) {
                  watch.run();
                  LockSupport.parkNanos(100_000);
                }
              });
      watcher.start();
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> sent = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          sent.add(
              pool.submit(
                  () -> {
                    start.await();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < emailsEach; i++) {
                      ids.add(sender.send(email("t" + thread + "-" + i, ZOE)));
                    }
                    return ids;
                  }));
        }
        start.countDown();
        Set<String> messageIds = new HashSet<>();
        for (Future<List<String>> ids : sent) {
          messageIds.addAll(ids.get());
        }

        int emails = threads * emailsEach;
        assertThat(messageIds).hasSize(emails);
        assertThat(smtp.server().awaitMessages(emails, SETTLE))
            .extracting(FaultySmtpServer.ReceivedMessage::messageId)
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(messageIds);
      } finally {
        sending.set(false);
        watcher.join();
        pool.shutdownNow();
      }
    }
  }

  @Test
  void shouldClassifyARefusedConnectionAsTransientNamingHostAndPort() throws IOException {
    int closedPort = Ports.free();

    try (SmtpEmailSender sender =
        new SmtpEmailSender(TestSmtpSettings.forServer(LOOPBACK, closedPort))) {
      EmailDeliveryException failure = failureOf(sender, ZOE);

      assertThat(failure.failure()).isEqualTo(EmailFailure.TransientEmailFailure);
      assertThat(failure.getMessage()).contains(LOOPBACK + ":" + closedPort);
    }
  }

  private static List<Thread> threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals(name))
        .toList();
  }

  // Sends to recipient, expecting a failure whose message is fit for a person to read.
  private static EmailDeliveryException failureOf(SmtpEmailSender sender, Recipient recipient) {
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
