package dev.signups.workflows;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.signups.activities.EmailFailure;
import dev.signups.activities.links.ConfirmationLinks;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.activities.mail.EmailDeliveryException;
import dev.signups.activities.mail.EmailSender;
import dev.signups.activities.mail.OutgoingEmail;
import dev.signups.activities.mail.SendEmailActivityImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignupWorkflowTest {

  private static final String TASK_QUEUE = "signups";
  private static final String PROVIDER_QUEUE = "signups-gmail";
  private static final Bounce HARD_BOUNCE =
      new Bounce(Bounce.Type.HardBounce, "ses", "550 5.1.1 <a***@example.com>: No such user");
  private static final String TOKEN_SECRET = "workflow-test-token-secret-of-32-chars";
  private static final ConfirmationPolicy NO_REMINDER =
      new ConfirmationPolicy(Duration.ofHours(48), Duration.ZERO, Duration.ofMinutes(5));

  /** Time an attempt spends being dispatched and run, on top of the backoff before it. */
  private static final Duration PROCESSING_TOLERANCE = Duration.ofMillis(500);

  private TestWorkflowEnvironment env;
  private ScriptedSender sender;
  private ActivityOptions policy;

  @BeforeEach
  void startEnvironment() {
    policy = PolicyFixture.SEND_EMAIL;
    env = TestWorkflowEnvironment.newInstance();
    SignupSearchAttributes.TYPES.forEach(env::registerSearchAttribute);
    sender = new ScriptedSender(env);
    Worker worker = env.newWorker(TASK_QUEUE);
    PolicyFixture.register(worker);
    ConfirmationLinks links =
        new ConfirmationLinks(new ConfirmationTokens(TOKEN_SECRET), "https://signups.example");
    SendEmailActivityImpl emails = new SendEmailActivityImpl(sender, links, Map.of());
    worker.registerActivitiesImplementations(emails, links);
    env.newWorker(PROVIDER_QUEUE).registerActivitiesImplementations(emails);
    env.start();
  }

  @AfterEach
  void stopEnvironment() {
    env.close();
  }

  @Test
  void shouldRetryAtTheConfiguredBackoffUntilSmtpRecovers() {
    sender.script(attempt -> attempt <= 7 ? EmailFailure.TransientEmailFailure : null);

    SignupState result = run("signup-retry", NO_REMINDER);

    assertThat(result.status()).isEqualTo(SignupStatus.EXPIRED);
    assertThat(result.attempts()).isEqualTo(8);
    assertThat(result.messageId()).startsWith("<signup-retry.").endsWith(".confirmation-1@test>");
    assertThat(sender.intervals())
        .zipSatisfy(
            List.of(
                Duration.ofSeconds(2),
                Duration.ofSeconds(4),
                Duration.ofSeconds(8),
                Duration.ofSeconds(16),
                Duration.ofSeconds(32),
                Duration.ofMinutes(1),
                Duration.ofMinutes(1)),
            (actual, expected) ->
                assertThat(actual).isBetween(expected, expected.plus(PROCESSING_TOLERANCE)));
  }

  @Test
  void shouldEndAfterOneAttemptWhenTheServerRejectsTheRecipient() {
    sender.script(attempt -> EmailFailure.PermanentEmailFailure);

    SignupState result = run("signup-poison", ConfirmationPolicy.DEFAULT);

    assertThat(result.status()).isEqualTo(SignupStatus.DELIVERY_FAILED);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.lastError()).isEqualTo("550 5.1.1 attempt 1 failed");
    assertThat(sender.attemptTimes()).hasSize(1);
  }

  @Test
  void shouldGiveUpWhenScheduleToCloseRunsOut() {
    sender.script(attempt -> EmailFailure.TransientEmailFailure);

    SignupState result = run("signup-outage", ConfirmationPolicy.DEFAULT);

    int expectedAttempts = attemptsThatFitIn(Duration.ofMinutes(10));
    assertThat(result.status()).isEqualTo(SignupStatus.DELIVERY_FAILED);
    assertThat(result.attempts()).isEqualTo(expectedAttempts);
    assertThat(sender.attemptTimes()).hasSize(expectedAttempts);
    assertThat(result.lastError())
        .isEqualTo(
            "gave up when scheduleToCloseTimeout ran out; last error: 421 4.3.2 attempt "
                + expectedAttempts
                + " failed");
    assertThat(Duration.between(result.startedAt(), result.updatedAt()))
        .isLessThanOrEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void shouldReportStatusAttemptsAndLastErrorThroughTheQuery() throws InterruptedException {
    sender.script(attempt -> EmailFailure.PermanentEmailFailure);
    CountDownLatch release = sender.holdAttempts();
    SignupWorkflow workflow = start("signup-query", ConfirmationPolicy.DEFAULT);

    SignupState sending = workflow.state();
    release.countDown();
    WorkflowStub.fromTyped(workflow).getResult(SignupState.class);
    SignupState failed = workflow.state();

    assertThat(sending.status()).isEqualTo(SignupStatus.SENDING);
    assertThat(sending.attempts()).isZero();
    assertThat(sending.lastError()).isNull();
    assertThat(failed.status()).isEqualTo(SignupStatus.DELIVERY_FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.lastError()).isEqualTo("550 5.1.1 attempt 1 failed");
    assertThat(failed.updatedAt()).isAfterOrEqualTo(failed.startedAt());
  }

  @Test
  void shouldConfirmWithTheLinkThenSendTheWelcomeAndStayRunning() throws Exception {
    SignupWorkflow workflow = start("signup-confirm", ConfirmationPolicy.DEFAULT);
    SignupState awaiting =
        awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);

    workflow.confirm(sender.tokenOf(0));
    SignupState confirmed = awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    assertThat(awaiting.expiresAt())
        .isBetween(
            awaiting.startedAt().plus(Duration.ofHours(48)).minusSeconds(1),
            awaiting.startedAt().plus(Duration.ofHours(48)));
    assertThat(sender.subjects())
        .containsExactly("Please confirm your email address", "Welcome aboard");
    assertThat(confirmed.messageId()).endsWith(".welcome@test>");
    assertThat(confirmed.lastError()).isNull();
    env.sleep(Duration.ofDays(30));
    assertThat(describe("signup-confirm").getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(sender.subjects()).hasSize(2);
  }

  @Test
  void shouldAcceptALinkFollowedBeforeTheActivityHasReturned() throws Exception {
    CountDownLatch release = sender.holdAttempts();
    SignupWorkflow workflow = start("signup-quick", ConfirmationPolicy.DEFAULT);
    sender.awaitEmails(1);

    workflow.confirm(sender.tokenOf(0));
    SignupState whileSending = workflow.state();
    release.countDown();
    awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    assertThat(whileSending.status()).isEqualTo(SignupStatus.SENDING);
    assertThat(sender.subjects())
        .containsExactly("Please confirm your email address", "Welcome aboard");
  }

  @Test
  void shouldSendOneReminderWithAFreshLinkThatConfirms() throws Exception {
    SignupWorkflow workflow = start("signup-reminded", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);

    env.sleep(Duration.ofHours(24).plusMinutes(1));
    sender.awaitEmails(2);
    workflow.confirm(sender.tokenOf(1));
    awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    assertThat(sender.subjects())
        .containsExactly(
            "Please confirm your email address",
            "Reminder: please confirm your email address",
            "Welcome aboard");
    assertThat(sender.tokenOf(1)).isNotEqualTo(sender.tokenOf(0));
    Instant started = workflow.state().startedAt();
    assertThat(Duration.between(started, Instant.ofEpochMilli(sender.attemptTimes().get(1))))
        .isBetween(Duration.ofHours(24), Duration.ofHours(24).plus(PROCESSING_TOLERANCE));
  }

  @Test
  void shouldExpireAfterTheWindowHavingSentOneReminder() {
    SignupState result = run("signup-expired", ConfirmationPolicy.DEFAULT);

    assertThat(result.status()).isEqualTo(SignupStatus.EXPIRED);
    assertThat(result.updatedAt())
        .isBetween(result.expiresAt(), result.expiresAt().plus(PROCESSING_TOLERANCE));
    assertThat(Duration.between(result.startedAt(), result.expiresAt()))
        .isBetween(Duration.ofHours(48).minusSeconds(1), Duration.ofHours(48));
    assertThat(sender.subjects())
        .containsExactly(
            "Please confirm your email address", "Reminder: please confirm your email address");
  }

  @Test
  void shouldSendNoReminderWhenRemindAfterIsZero() {
    SignupState result = run("signup-no-reminder", NO_REMINDER);

    assertThat(result.status()).isEqualTo(SignupStatus.EXPIRED);
    assertThat(sender.subjects()).containsExactly("Please confirm your email address");
  }

  @Test
  void shouldResendOnARepeatedSignupOnlyOutsideTheCooldown() throws Exception {
    SignupWorkflow workflow = start("signup-repeated", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);

    env.sleep(Duration.ofMinutes(4));
    workflow.signupRequested();
    env.sleep(Duration.ofMinutes(2));
    int afterRequestWithinCooldown = sender.subjects().size();
    workflow.signupRequested();
    sender.awaitEmails(2);
    workflow.confirm(sender.tokenOf(1));
    awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    assertThat(afterRequestWithinCooldown).isEqualTo(1);
    assertThat(sender.subjects())
        .containsExactly(
            "Please confirm your email address",
            "Please confirm your email address",
            "Welcome aboard");
    assertThat(sender.tokenOf(1)).isNotEqualTo(sender.tokenOf(0));
  }

  @Test
  void shouldIgnoreARepeatedSignupOnceConfirmed() throws Exception {
    SignupWorkflow workflow = start("signup-confirmed-repeat", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    workflow.confirm(sender.tokenOf(0));
    awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    env.sleep(Duration.ofHours(1));
    workflow.signupRequested();
    env.sleep(Duration.ofHours(1));

    assertThat(sender.subjects()).hasSize(2);
    assertThat(workflow.state().status()).isEqualTo(SignupStatus.CONFIRMED);
  }

  @Test
  void shouldRefuseBadTokensWithoutRecordingThem() throws Exception {
    SignupWorkflow workflow = start("signup-tokens", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    String token = sender.tokenOf(0);
    String forged = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");

    ConfirmationRejection forgedRefusal = refusalOf(workflow, forged);
    ConfirmationRejection emptyRefusal = refusalOf(workflow, "");
    workflow.confirm(token);
    ConfirmationRejection repeatRefusal = refusalOf(workflow, token);

    assertThat(forgedRefusal).isEqualTo(ConfirmationRejection.UnknownToken);
    assertThat(emptyRefusal).isEqualTo(ConfirmationRejection.UnknownToken);
    assertThat(repeatRefusal).isEqualTo(ConfirmationRejection.AlreadyConfirmed);
    assertThat(updateEvents("signup-tokens")).hasSize(2); // one accepted, one completed
  }

  @Test
  void shouldConfirmAfterADeliveryFailureIsRedrivenAsANewRun() throws Exception {
    sender.script(attempt -> attempt == 1 ? EmailFailure.PermanentEmailFailure : null);
    SignupState failed = run("signup-redriven", ConfirmationPolicy.DEFAULT);

    SignupWorkflow redriven = start("signup-redriven", ConfirmationPolicy.DEFAULT);
    awaitState(redriven, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    redriven.confirm(sender.tokenOf(0));
    SignupState confirmed = awaitState(redriven, s -> s.status() == SignupStatus.CONFIRMED);

    assertThat(failed.status()).isEqualTo(SignupStatus.DELIVERY_FAILED);
    assertThat(confirmed.startedAt()).isAfter(failed.startedAt());
  }

  @Test
  void shouldKeepTheSignupConfirmedWhenTheWelcomeEmailFails() throws Exception {
    sender.script(attempt -> attempt == 2 ? EmailFailure.PermanentEmailFailure : null);
    SignupWorkflow workflow = start("signup-no-welcome", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);

    workflow.confirm(sender.tokenOf(0));
    SignupState confirmed = awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    assertThat(confirmed.lastError()).isEqualTo("550 5.1.1 attempt 2 failed");
  }

  @Test
  void shouldPublishStatusAttemptsAndLastErrorForOperators() throws Exception {
    sender.script(attempt -> attempt <= 2 ? EmailFailure.TransientEmailFailure : null);
    SignupWorkflow awaiting = start("signup-awaiting", ConfirmationPolicy.DEFAULT);
    awaitState(awaiting, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    sender.script(attempt -> EmailFailure.PermanentEmailFailure);
    run("signup-failed", ConfirmationPolicy.DEFAULT);

    WorkflowExecutionDescription published = describe("signup-awaiting");
    WorkflowExecutionDescription failed = describe("signup-failed");

    assertThat(published.getTypedSearchAttributes().get(SignupSearchAttributes.STATUS))
        .isEqualTo("AWAITING_CONFIRMATION");
    assertThat(published.getTypedSearchAttributes().get(SignupSearchAttributes.ATTEMPTS))
        .isEqualTo(3);
    assertThat(published.getMemo(SignupSearchAttributes.LAST_ERROR_MEMO, String.class)).isNull();
    assertThat(failed.getTypedSearchAttributes().get(SignupSearchAttributes.STATUS))
        .isEqualTo("DELIVERY_FAILED");
    assertThat(failed.getTypedSearchAttributes().get(SignupSearchAttributes.ATTEMPTS)).isEqualTo(1);
    assertThat(failed.getMemo(SignupSearchAttributes.LAST_ERROR_MEMO, String.class))
        .isEqualTo("550 5.1.1 attempt 4 failed");
  }

  @Test
  void shouldScheduleEachEmailWithExactlyItsConfiguredPolicy() throws Exception {
    SignupWorkflow workflow = start("signup-policy", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    workflow.confirm(sender.tokenOf(0));
    awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    List<ActivityTaskScheduledEventAttributes> scheduled =
        env.getWorkflowClient().fetchHistory("signup-policy").getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
            .toList();
    assertThat(scheduled).hasSize(2);
    assertScheduledWith(scheduled.get(0), "SendEmail", PolicyFixture.SEND_EMAIL);
    assertScheduledWith(scheduled.get(1), "SendWelcomeEmail", PolicyFixture.SEND_WELCOME_EMAIL);
  }

  private static void assertScheduledWith(
      ActivityTaskScheduledEventAttributes scheduled, String type, ActivityOptions options) {
    RetryOptions retry = options.getRetryOptions();
    RetryPolicy policy = scheduled.getRetryPolicy();
    assertThat(scheduled.getActivityType().getName()).isEqualTo(type);
    assertThat(scheduled.getStartToCloseTimeout().getSeconds())
        .isEqualTo(options.getStartToCloseTimeout().toSeconds());
    assertThat(scheduled.getScheduleToCloseTimeout().getSeconds())
        .isEqualTo(options.getScheduleToCloseTimeout().toSeconds());
    assertThat(policy.getInitialInterval().getSeconds())
        .isEqualTo(retry.getInitialInterval().toSeconds());
    assertThat(policy.getBackoffCoefficient()).isEqualTo(retry.getBackoffCoefficient());
    assertThat(policy.getMaximumInterval().getSeconds())
        .isEqualTo(retry.getMaximumInterval().toSeconds());
    assertThat(policy.getMaximumAttempts()).isEqualTo(retry.getMaximumAttempts());
    assertThat(policy.getNonRetryableErrorTypesList()).containsExactly(retry.getDoNotRetry());
  }

  @Test
  void shouldSuppressOnAHardBounceAndSendNothingMoreUntilLifted() throws Exception {
    SignupWorkflow workflow = start("signup-bounced", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);

    workflow.bounced(HARD_BOUNCE);
    SignupState suppressed = awaitState(workflow, s -> s.status() == SignupStatus.SUPPRESSED);
    env.sleep(Duration.ofHours(25));
    workflow.signupRequested();
    env.sleep(Duration.ofHours(30));

    assertThat(suppressed.lastBounce())
        .isEqualTo("HardBounce (ses): 550 5.1.1 <a***@example.com>: No such user");
    assertThat(sender.subjects()).containsExactly("Please confirm your email address");
    assertThat(describe("signup-bounced").getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(refusalOf(workflow, sender.tokenOf(0))).isEqualTo(ConfirmationRejection.Suppressed);
    assertThat(
            describe("signup-bounced")
                .getTypedSearchAttributes()
                .get(SignupSearchAttributes.STATUS))
        .isEqualTo("SUPPRESSED");

    workflow.unsuppress();
    SignupState lifted = WorkflowStub.fromTyped(workflow).getResult(SignupState.class);

    assertThat(lifted.status()).as("lifted after its window").isEqualTo(SignupStatus.EXPIRED);
    assertThat(sender.subjects()).hasSize(1);
  }

  @Test
  void shouldGoOnWaitingWhenTheSuppressionIsLiftedInsideTheWindow() throws Exception {
    SignupWorkflow workflow = start("signup-complained", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    workflow.bounced(new Bounce(Bounce.Type.Complaint, "postmark", null));
    awaitState(workflow, s -> s.status() == SignupStatus.SUPPRESSED);
    env.sleep(Duration.ofHours(1));

    workflow.unsuppress();
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    workflow.confirm(sender.tokenOf(0));
    SignupState confirmed = awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    assertThat(confirmed.lastBounce()).isEqualTo("Complaint (postmark)");
    assertThat(sender.subjects())
        .containsExactly("Please confirm your email address", "Welcome aboard");
  }

  @Test
  void shouldKeepAConfirmedSignupSuppressedAfterAComplaintUntilLifted() throws Exception {
    SignupWorkflow workflow = start("signup-confirmed-complaint", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    workflow.confirm(sender.tokenOf(0));
    awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    workflow.bounced(new Bounce(Bounce.Type.Complaint, "sendgrid", "spamreport"));
    awaitState(workflow, s -> s.status() == SignupStatus.SUPPRESSED);
    workflow.signupRequested();
    workflow.unsuppress();

    assertThat(awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED).lastBounce())
        .isEqualTo("Complaint (sendgrid): spamreport");
    assertThat(sender.subjects())
        .containsExactly("Please confirm your email address", "Welcome aboard");
  }

  /** A complaint signalled while a confirmed signup continued as new reaches its new run first. */
  @Test
  void shouldKeepAComplaintThatArrivesWithTheStartOfAConfirmedRun() throws Exception {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    SignupWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                SignupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("signup-continued-complaint")
                    .setTaskQueue(TASK_QUEUE)
                    .build());
    Signup confirmed =
        new Signup("ada@example.com", "Ada", ConfirmationPolicy.DEFAULT, null)
            .carrying(SignupState.sending(now).confirmed(1, "<welcome@example>", null, now), true);
    BatchRequest start = env.getWorkflowClient().newSignalWithStartRequest();
    start.add(workflow::signUp, confirmed);
    start.add(workflow::bounced, new Bounce(Bounce.Type.Complaint, "sendgrid", "spamreport"));
    env.getWorkflowClient().signalWithStart(start);

    SignupState suppressed = awaitState(workflow, s -> s.lastBounce() != null);
    workflow.unsuppress();

    assertThat(suppressed.status()).isEqualTo(SignupStatus.SUPPRESSED);
    assertThat(suppressed.lastBounce()).isEqualTo("Complaint (sendgrid): spamreport");
    assertThat(awaitState(workflow, s -> s.status() != SignupStatus.SUPPRESSED).status())
        .isEqualTo(SignupStatus.CONFIRMED);
    assertThat(sender.subjects()).isEmpty();
  }

  @Test
  void shouldOnlyRecordASoftBounce() throws Exception {
    SignupWorkflow workflow = start("signup-soft-bounce", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);

    workflow.bounced(new Bounce(Bounce.Type.SoftBounce, "ses", "452 4.2.2 Mailbox full"));
    SignupState recorded = awaitState(workflow, s -> s.lastBounce() != null);
    env.sleep(Duration.ofHours(24).plusMinutes(1));
    sender.awaitEmails(2);

    assertThat(recorded.status()).isEqualTo(SignupStatus.AWAITING_CONFIRMATION);
    assertThat(recorded.lastBounce()).isEqualTo("SoftBounce (ses): 452 4.2.2 Mailbox full");
    assertThat(sender.subjects()).contains("Reminder: please confirm your email address");
  }

  @Test
  void shouldRecordOneVersionMarkerForEveryVersionedChange() throws Exception {
    SignupWorkflow workflow = start("signup-one-marker", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);
    workflow.bounced(new Bounce(Bounce.Type.SoftBounce, "ses", "452 4.2.2 Mailbox full"));
    workflow.confirm(sender.tokenOf(0));
    awaitState(workflow, s -> s.status() == SignupStatus.CONFIRMED);

    assertThat(
            env.getWorkflowClient().fetchHistory("signup-one-marker").getEvents().stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
                .map(HistoryEvent::getMarkerRecordedEventAttributes)
                .filter(marker -> marker.getMarkerName().equals("Version"))
                .map(marker -> marker.getDetailsMap().toString()))
        .as("the version markers of a run through every versioned change")
        .singleElement(as(InstanceOfAssertFactories.STRING))
        .contains(SignupWorkflowImpl.ONE_MARKER);
  }

  @Test
  void shouldRefuseToLiftASuppressionThatIsNotThere() throws Exception {
    SignupWorkflow workflow = start("signup-not-suppressed", ConfirmationPolicy.DEFAULT);
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);

    WorkflowUpdateException refused =
        catchThrowableOfType(WorkflowUpdateException.class, workflow::unsuppress);

    assertThat(refused).isNotNull();
    assertThat(refused).rootCause().hasMessageContaining(SignupWorkflow.NOT_SUPPRESSED);
    assertThat(updateEvents("signup-not-suppressed")).isEmpty();
  }

  @Test
  void shouldStartSuppressedWhenABounceStartsTheSignup() throws Exception {
    SignupWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                SignupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("signup-bounce-started")
                    .setTaskQueue(TASK_QUEUE)
                    .build());
    BatchRequest start = env.getWorkflowClient().newSignalWithStartRequest();
    start.add(
        workflow::signUp,
        Signup.suppressed("ada@example.com", null, Instant.ofEpochMilli(env.currentTimeMillis())));
    start.add(workflow::bounced, HARD_BOUNCE);
    env.getWorkflowClient().signalWithStart(start);
    assertThat(awaitState(workflow, s -> s.status() == SignupStatus.SUPPRESSED).lastBounce())
        .isEqualTo(HARD_BOUNCE.describe());
    workflow.signupRequested();
    env.sleep(Duration.ofDays(3));

    assertThat(workflow.state().status()).isEqualTo(SignupStatus.SUPPRESSED);
    assertThat(sender.subjects()).isEmpty();
    workflow.unsuppress();
    assertThat(WorkflowStub.fromTyped(workflow).getResult(SignupState.class).status())
        .isEqualTo(SignupStatus.EXPIRED);
    assertThat(sender.subjects()).isEmpty();
  }

  @Test
  void shouldSendTheEmailsFromTheQueueOfTheRecipientsProvider() throws Exception {
    SignupWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                SignupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("signup-routed")
                    .setTaskQueue(TASK_QUEUE)
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder()
                            .set(SignupSearchAttributes.STATUS, "SENDING")
                            .set(SignupSearchAttributes.ATTEMPTS, 0L)
                            .build())
                    .build());
    WorkflowClient.start(
        workflow::signUp,
        new Signup("ada@gmail.com", "Ada", ConfirmationPolicy.DEFAULT, PROVIDER_QUEUE));
    awaitState(workflow, s -> s.status() == SignupStatus.AWAITING_CONFIRMATION);

    List<HistoryEvent> events = env.getWorkflowClient().fetchHistory("signup-routed").getEvents();
    HistoryEvent scheduled =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .findFirst()
            .orElseThrow();
    assertThat(scheduled.getActivityTaskScheduledEventAttributes().getTaskQueue().getName())
        .isEqualTo(PROVIDER_QUEUE);
    assertThat(
            events.stream()
                .takeWhile(e -> e.getEventType() != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                .map(HistoryEvent::getEventType))
        .as("the start request set the first search attributes")
        .doesNotContain(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
    assertThat(sender.subjects()).containsExactly("Please confirm your email address");
  }

  /** Runs a signup nobody confirms to its end. */
  private SignupState run(String workflowId, ConfirmationPolicy confirmation) {
    return WorkflowStub.fromTyped(start(workflowId, confirmation)).getResult(SignupState.class);
  }

  private SignupWorkflow start(String workflowId, ConfirmationPolicy confirmation) {
    SignupWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                SignupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(workflowId)
                    .setTaskQueue(TASK_QUEUE)
                    .build());
    WorkflowClient.start(
        workflow::signUp, new Signup("ada@example.com", "Ada", confirmation, null));
    return workflow;
  }

  /** Polls the query, in real time so that no timer fires meanwhile, until {@code done} holds. */
  private static SignupState awaitState(SignupWorkflow workflow, Predicate<SignupState> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    SignupState state = workflow.state();
    while (!done.test(state)) {
      assertThat(Instant.now()).as("last state %s", state).isBefore(deadline);
      Thread.sleep(20);
      state = workflow.state();
    }
    return state;
  }

  /** The reason the workflow gives for refusing {@code token}. */
  private static ConfirmationRejection refusalOf(SignupWorkflow workflow, String token) {
    WorkflowUpdateException refused =
        catchThrowableOfType(WorkflowUpdateException.class, () -> workflow.confirm(token));
    assertThat(refused).as("refusal of %s", token).isNotNull();
    return ConfirmationRejection.of(refused).orElseThrow(() -> new AssertionError(refused));
  }

  private List<HistoryEvent> updateEvents(String workflowId) {
    return env.getWorkflowClient().fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType().name().contains("UPDATE"))
        .toList();
  }

  private WorkflowExecutionDescription describe(String workflowId) {
    return env.getWorkflowClient().newUntypedWorkflowStub(workflowId).describe();
  }

  /** Attempts that start within {@code budget} under the fixture's policy, the first at zero. */
  private int attemptsThatFitIn(Duration budget) {
    var retry = policy.getRetryOptions();
    Duration at = Duration.ZERO;
    Duration interval = retry.getInitialInterval();
    int attempts = 1;
    while (at.plus(interval).compareTo(budget) <= 0) {
      at = at.plus(interval);
      attempts++;
      Duration next =
          Duration.ofMillis((long) (interval.toMillis() * retry.getBackoffCoefficient()));
      interval = next.compareTo(retry.getMaximumInterval()) > 0 ? retry.getMaximumInterval() : next;
    }
    return attempts;
  }

  /**
   * An {@link EmailSender} that fails attempts as scripted and records when each came and what each
   * sent email said.
   */
  private static final class ScriptedSender implements EmailSender {
    private static final Pattern TOKEN = Pattern.compile("confirm\\?token=([A-Za-z0-9._-]+)");

    private final TestWorkflowEnvironment env;
    private final List<Long> attemptTimes = new CopyOnWriteArrayList<>();
    private final List<OutgoingEmail> sent = new CopyOnWriteArrayList<>();
    private volatile IntFunction<EmailFailure> script = attempt -> null;
    private final CountDownLatch hold = new CountDownLatch(1);
    private volatile boolean holding;

    ScriptedSender(TestWorkflowEnvironment env) {
      this.env = env;
    }

    void script(IntFunction<EmailFailure> failureForAttempt) {
      this.script = failureForAttempt;
    }

    /**
     * Makes every attempt wait, once the email is handed over (or refused), until the returned
     * latch opens: the mail server has answered, the activity has not returned yet.
     */
    CountDownLatch holdAttempts() {
      holding = true;
      return hold;
    }

    List<Long> attemptTimes() {
      return attemptTimes;
    }

    List<Duration> intervals() {
      List<Duration> intervals = new ArrayList<>();
      for (int i = 1; i < attemptTimes.size(); i++) {
        intervals.add(Duration.ofMillis(attemptTimes.get(i) - attemptTimes.get(i - 1)));
      }
      return intervals;
    }

    List<String> subjects() {
      return sent.stream().map(OutgoingEmail::subject).toList();
    }

    /** The token in the link of the {@code index}th email sent. */
    String tokenOf(int index) {
      Matcher token = TOKEN.matcher(sent.get(index).text());
      assertThat(token.find()).as("a link in %s", sent.get(index).text()).isTrue();
      return token.group(1);
    }

    void awaitEmails(int count) throws InterruptedException {
      Instant deadline = Instant.now().plusSeconds(10);
      while (sent.size() < count) {
        assertThat(Instant.now())
            .as("%d emails sent, not %d", sent.size(), count)
            .isBefore(deadline);
        Thread.sleep(20);
      }
    }

    @Override
    public String send(OutgoingEmail email) throws EmailDeliveryException {
      attemptTimes.add(env.currentTimeMillis());
      int attempt = attemptTimes.size();
      EmailFailure failure = script.apply(attempt);
      if (failure == null) {
        sent.add(email);
      }
      if (holding) {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EmailDeliveryException(EmailFailure.TransientEmailFailure, "interrupted");
        }
      }
      if (failure == EmailFailure.PermanentEmailFailure) {
        throw new EmailDeliveryException(failure, "550 5.1.1 attempt " + attempt + " failed");
      }
      if (failure != null) {
        throw new EmailDeliveryException(failure, "421 4.3.2 attempt " + attempt + " failed");
      }
      return "<" + email.messageKey() + "@test>";
    }
  }
}
