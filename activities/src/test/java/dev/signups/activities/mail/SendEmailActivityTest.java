package dev.signups.activities.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.EmailFailure;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.LinkDigest;
import dev.signups.activities.Recipient;
import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.links.ConfirmationLinks;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.activities.testing.Connection;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.activities.testing.FaultySmtpServerExtension;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SendEmailActivityTest {

  private static final EmailRequest ADA =
      new EmailRequest(
          "signup-1", new Recipient("ada@example.com", "Ada Lovelace"), EmailKind.WELCOME, null);
  private static final String MESSAGE_ID = "<signup-1@signups.example>";
  private static final String TOKEN_SECRET = "activity-test-token-secret-of-32-chars";
  private static final ConfirmationLinks LINKS =
      new ConfirmationLinks(new ConfirmationTokens(TOKEN_SECRET), "https://signups.example");
  private static final Duration SETTLE = Duration.ofSeconds(5);

  /** An email to another address, sent first to leave a connection in the pool. */
  private static final EmailRequest EARLIER =
      new EmailRequest(
          "signup-0", new Recipient("earlier@example.com", "Earlier"), EmailKind.WELCOME, null);

  @RegisterExtension final FaultySmtpServerExtension smtp = new FaultySmtpServerExtension();

  private SendEmailActivityImpl activityImplementation() {
    return new SendEmailActivityImpl(
        smtp.sender(),
        LINKS,
        Map.of(SendEmailActivity.TYPE, new RetryDelays(0.5, Duration.ofMinutes(1))));
  }

  private static final EmailRequest LINKED =
      new EmailRequest(
          "signup-3",
          new Recipient("ada@example.com", "Ada Lovelace"),
          EmailKind.CONFIRMATION,
          new ConfirmationClaim("signup-3", Instant.parse("2026-11-25T21:00:00Z"), 1));

  private static final Pattern LINK = Pattern.compile("https://signups\\.example/\\S+");

  /** The link in the text part of {@code message}, which must have exactly one. */
  private static String linkIn(ReceivedMessage message) {
    try {
      MimeMultipart parts = (MimeMultipart) message.parse().getContent();
      Matcher link = LINK.matcher((String) parts.getBodyPart(0).getContent());
      assertThat(link.find()).as("a link in %s", message).isTrue();
      return link.group();
    } catch (IOException | MessagingException e) {
      throw new AssertionError(e);
    }
  }

  private static ApplicationFailure applicationFailure(Throwable activityFailure) {
    assertThat(activityFailure)
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) activityFailure.getCause();
  }

  @Nested
  class InTheTestActivityEnvironment {

    // TestActivityEnvironment never sets the attempt, so the activity sees 0 where a worker
    // counts from 1; OnAWorker checks real attempt numbers.
    private static final int REPORTED_ATTEMPT = 0;

    private TestActivityEnvironment environment;
    private SendEmailActivity activity;

    @BeforeEach
    void startEnvironment() {
      environment = TestActivityEnvironment.newInstance();
      environment.registerActivitiesImplementations(activityImplementation());
      activity =
          environment.newActivityStub(
              SendEmailActivity.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());
    }

    @AfterEach
    void stopEnvironment() {
      environment.close();
    }

    private ApplicationFailure failureOf(EmailRequest request) {
      return applicationFailure(catchThrowable(() -> activity.send(request)));
    }

    /** For {@link Connection#REUSED}, sends an email that leaves its connection in the pool. */
    private void prepare(Connection connection) {
      if (connection == Connection.REUSED) {
        activity.send(EARLIER);
      }
    }

    @Test
    void shouldReturnTheMessageIdAndAttemptOnSuccess() throws Exception {
      EmailReceipt receipt = activity.send(ADA);

      assertThat(receipt).isEqualTo(new EmailReceipt(MESSAGE_ID, REPORTED_ATTEMPT));
      assertThat(smtp.server().awaitMessages(1, SETTLE))
          .singleElement()
          .satisfies(m -> assertThat(m.messageId()).isEqualTo(MESSAGE_ID))
          .satisfies(m -> assertThat(m.recipients()).containsExactly("ada@example.com"));
    }

    @Test
    void shouldRefuseANameWithALineBreakBeforeReachingTheServer() {
      EmailRequest injection =
          new EmailRequest(
              "signup-2",
              new Recipient("ada@example.com", "Ada\r\nBcc: evil@example.com"),
              EmailKind.WELCOME,
              null);

      ApplicationFailure failure = failureOf(injection);

      assertThat(failure.getType()).isEqualTo(EmailFailure.InvalidEmailRequest.name());
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).startsWith("name ").contains("control characters");
      assertThat(smtp.server().connections()).isZero();
      assertThat(smtp.server().received()).isEmpty();
    }

    /**
     * Addresses an earlier version accepted: Angus Mail would write each character's low byte into
     * {@code RCPT TO}, reaching another mailbox, or fail with "illegal character" on every attempt.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ad\u0140@example.com", "ad\u010a@example.com", "g: ada@example.com;"})
    void shouldRefuseAnAddressThatCannotBeSentAsItIsWithoutRetrying(String address) {
      ApplicationFailure failure =
          failureOf(
              new EmailRequest(
                  "signup-3", new Recipient(address, "Ada"), EmailKind.CONFIRMATION, null));

      assertThat(failure.getType()).isEqualTo(EmailFailure.InvalidEmailRequest.name());
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).startsWith("address ");
      assertThat(smtp.server().connections()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldFailPermanentlyWithTheAttemptWhenTheRecipientIsRejected(Connection connection) {
      prepare(connection);
      smtp.server().rejectRecipient("ada@example.com", 550, "5.1.1 No such user");

      ApplicationFailure failure = failureOf(ADA);

      assertThat(failure.getType()).isEqualTo(EmailFailure.PermanentEmailFailure.name());
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).startsWith("550").contains("No such user");
      assertThat(failure.getDetails().get(Integer.class)).isEqualTo(REPORTED_ATTEMPT);
      assertThat(smtp.server().connections()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldFailRetryablyWhenTheServerSaysTryLater(Connection connection) {
      prepare(connection);
      smtp.server().failNextTransactions(1, 451, "4.3.0 Try again later");

      ApplicationFailure failure = failureOf(ADA);

      assertThat(failure.getType()).isEqualTo(EmailFailure.TransientEmailFailure.name());
      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getOriginalMessage()).startsWith("451").contains("Try again later");
      assertThat(failure.getDetails().get(Integer.class)).isEqualTo(REPORTED_ATTEMPT);
      assertThat(smtp.server().connections()).isEqualTo(1);
    }

    /**
     * The test environment gives the activity Temporal's default policy: a first wait of 1 s. Drawn
     * uniformly over 1000 ms, 20 waits span more than half of it but once in 50,000 runs.
     */
    @Test
    void shouldSpreadTheNextAttemptAroundThePolicysBackoff() {
      List<Duration> delays = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        smtp.server().failNextTransactions(1, 451, "4.3.0 Try again later");
        delays.add(failureOf(ADA).getNextRetryDelay());
      }

      assertThat(delays)
          .allSatisfy(
              delay ->
                  assertThat(delay).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500)));
      assertThat(Collections.max(delays).minus(Collections.min(delays)))
          .isGreaterThan(Duration.ofMillis(500));
    }

    /**
     * On a reused connection a 421 to {@code MAIL FROM} may be the server closing an idle
     * connection, so the email goes once more over a new one, which the server refuses too.
     */
    @ParameterizedTest
    @EnumSource(Connection.class)
    void shouldWaitAtLeastTheSlowDownMinimumWhenTheServerAsksToSlowDown(Connection connection) {
      prepare(connection);
      smtp.server().failTransactions(421, "4.7.0 Try again later, slow down");

      ApplicationFailure failure = failureOf(ADA);

      assertThat(failure.getType()).isEqualTo(EmailFailure.TransientEmailFailure.name());
      assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofMinutes(1));
      assertThat(smtp.server().connections()).isEqualTo(connection == Connection.NEW ? 1 : 2);
    }

    @Test
    void shouldLeaveAPermanentFailureWithoutANextAttempt() {
      smtp.server().rejectRecipient("ada@example.com", 550, "5.1.1 No such user");

      assertThat(failureOf(ADA).getNextRetryDelay()).isNull();
    }
  }

  @Nested
  class OnAWorker {

    private static final String TASK_QUEUE = "send-email-test";

    private TestWorkflowEnvironment temporal;

    @BeforeEach
    void startWorker() {
      temporal = TestWorkflowEnvironment.newInstance();
      Worker worker = temporal.newWorker(TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(SendWithRetries.class);
      worker.registerActivitiesImplementations(activityImplementation());
      temporal.start();
    }

    @AfterEach
    void stopWorker() {
      temporal.close();
    }

    private EmailReceipt send(EmailRequest request) {
      return temporal
          .getWorkflowClient()
          .newWorkflowStub(
              SendOne.class, WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).build())
          .send(request);
    }

    @Test
    void shouldCountAttemptsFromOne() {
      assertThat(send(ADA)).isEqualTo(new EmailReceipt(MESSAGE_ID, 1));
    }

    @Test
    void shouldSucceedOnTheThirdAttemptAfterTwoTransientFailures() throws Exception {
      smtp.server().failNextTransactions(2, 451, "4.3.0 Try again later");

      assertThat(send(ADA)).isEqualTo(new EmailReceipt(MESSAGE_ID, 3));
      assertThat(smtp.server().awaitMessages(1, SETTLE)).hasSize(1);
      assertThat(smtp.server().connections()).isEqualTo(3);
    }

    /** The activity sends again over a new connection itself: Temporal sees one attempt. */
    @Test
    void shouldSendOnceInTheFirstAttemptWhenTheServerClosedTheIdleConnection() throws Exception {
      send(EARLIER);
      smtp.server().closeIdleConnections();
      smtp.server().awaitOpenConnections(0, SETTLE);

      assertThat(send(ADA)).isEqualTo(new EmailReceipt(MESSAGE_ID, 1));
      smtp.server().awaitMessages(2, SETTLE);
      assertThat(smtp.server().receivedBy(ADA.recipient().address())).hasSize(1);
      assertThat(smtp.server().connections()).isEqualTo(2);
    }

    @Test
    void shouldSendOnEveryAttemptTheLinkWhoseDigestWasGivenBeforehand() throws Exception {
      String digest = LINKS.digest(LINKED.link());
      smtp.server().dropAfterData();
      catchThrowable(() -> send(LINKED));
      smtp.server().reset();

      send(LINKED);

      List<String> links =
          smtp.server().awaitMessages(6, SETTLE).stream()
              .map(SendEmailActivityTest::linkIn)
              .toList();
      String token = new ConfirmationTokens(TOKEN_SECRET).issue(LINKED.link());
      assertThat(links)
          .hasSize(6)
          .containsOnly("https://signups.example/signups/confirm?token=" + token);
      assertThat(digest).isEqualTo(LinkDigest.of(token)).doesNotContain(token);
    }

    @Test
    void shouldNotRetryARejectedRecipientDespiteTheRetryPolicy() {
      smtp.server().rejectRecipient("ada@example.com", 550, "5.1.1 No such user");

      Throwable thrown = catchThrowable(() -> send(ADA));

      assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
      ApplicationFailure failure = applicationFailure(thrown.getCause());
      assertThat(failure.getType()).isEqualTo(EmailFailure.PermanentEmailFailure.name());
      assertThat(failure.getDetails().get(Integer.class)).isEqualTo(1);
      assertThat(smtp.server().connections()).isEqualTo(1);
    }
  }

  @WorkflowInterface
  public interface SendOne {
    @WorkflowMethod
    EmailReceipt send(EmailRequest request);
  }

  public static class SendWithRetries implements SendOne {

    private final SendEmailActivity activity =
        Workflow.newActivityStub(
            SendEmailActivity.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(10))
                        .setBackoffCoefficient(1)
                        .setMaximumAttempts(5)
                        .build())
                .build());

    @Override
    public EmailReceipt send(EmailRequest request) {
      return activity.send(request);
    }
  }
}
