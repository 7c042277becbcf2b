package dev.signups.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.activities.EmailDeliveryException;
import dev.signups.activities.EmailFailure;
import dev.signups.activities.EmailSender;
import dev.signups.activities.EmailTemplate;
import dev.signups.activities.OutgoingEmail;
import dev.signups.activities.SendEmailActivityImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignupWorkflowTest {

  private static final String TASK_QUEUE = "signups";

  /** Time an attempt spends being dispatched and run, on top of the backoff before it. */
  private static final Duration PROCESSING_TOLERANCE = Duration.ofMillis(500);

  private TestWorkflowEnvironment env;
  private ScriptedSender sender;
  private ActivityOptions policy;

  @BeforeEach
  void startEnvironment() throws IOException {
    policy = PolicyFixture.sendEmail();
    env = TestWorkflowEnvironment.newInstance();
    SignupSearchAttributes.TYPES.forEach(env::registerSearchAttribute);
    sender = new ScriptedSender(env);
    Worker worker = env.newWorker(TASK_QUEUE);
    SignupWorkflows.register(worker, policy);
    worker.registerActivitiesImplementations(
        new SendEmailActivityImpl(sender, EmailTemplate.load("confirmation")));
    env.start();
  }

  @AfterEach
  void stopEnvironment() {
    env.close();
  }

  @Test
  void shouldRetryAtTheConfiguredBackoffUntilSmtpRecovers() {
    sender.script(attempt -> attempt <= 7 ? EmailFailure.TransientEmailFailure : null);

    SignupState result = run("signup-retry");

    assertThat(result.status()).isEqualTo(SignupStatus.SENT);
    assertThat(result.attempts()).isEqualTo(8);
    assertThat(result.messageId()).startsWith("<signup-retry.").endsWith(".confirmation@test>");
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

    SignupState result = run("signup-poison");

    assertThat(result.status()).isEqualTo(SignupStatus.DELIVERY_FAILED);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.lastError()).isEqualTo("550 5.1.1 attempt 1 failed");
    assertThat(sender.attemptTimes()).hasSize(1);
  }

  @Test
  void shouldGiveUpWhenScheduleToCloseRunsOut() {
    sender.script(attempt -> EmailFailure.TransientEmailFailure);

    SignupState result = run("signup-outage");

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
    SignupWorkflow workflow = stub("signup-query");
    WorkflowClient.start(workflow::signUp, new Signup("ada@example.com", "Ada"));

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
  void shouldPublishStatusAttemptsAndLastErrorForOperators() {
    sender.script(attempt -> attempt <= 2 ? EmailFailure.TransientEmailFailure : null);
    run("signup-sent");
    sender.script(attempt -> EmailFailure.PermanentEmailFailure);
    run("signup-failed");

    WorkflowExecutionDescription sent = describe("signup-sent");
    WorkflowExecutionDescription failed = describe("signup-failed");

    assertThat(sent.getTypedSearchAttributes().get(SignupSearchAttributes.STATUS))
        .isEqualTo("SENT");
    assertThat(sent.getTypedSearchAttributes().get(SignupSearchAttributes.ATTEMPTS)).isEqualTo(3);
    assertThat(sent.getMemo(SignupSearchAttributes.LAST_ERROR_MEMO, String.class)).isNull();
    assertThat(failed.getTypedSearchAttributes().get(SignupSearchAttributes.STATUS))
        .isEqualTo("DELIVERY_FAILED");
    assertThat(failed.getTypedSearchAttributes().get(SignupSearchAttributes.ATTEMPTS)).isEqualTo(1);
    assertThat(failed.getMemo(SignupSearchAttributes.LAST_ERROR_MEMO, String.class))
        .isEqualTo("550 5.1.1 attempt 4 failed");
  }

  @Test
  void shouldScheduleSendEmailWithExactlyTheConfiguredPolicy() {
    sender.script(attempt -> null);

    run("signup-policy");

    ActivityTaskScheduledEventAttributes scheduled =
        env.getWorkflowClient().fetchHistory("signup-policy").getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
            .findFirst()
            .orElseThrow();
    assertThat(scheduled.getActivityType().getName()).isEqualTo("SendEmail");
    assertThat(scheduled.getStartToCloseTimeout().getSeconds()).isEqualTo(30);
    assertThat(scheduled.getScheduleToCloseTimeout().getSeconds()).isEqualTo(600);
    assertThat(scheduled.getRetryPolicy().getInitialInterval().getSeconds()).isEqualTo(2);
    assertThat(scheduled.getRetryPolicy().getBackoffCoefficient()).isEqualTo(2.0);
    assertThat(scheduled.getRetryPolicy().getMaximumInterval().getSeconds()).isEqualTo(60);
    assertThat(scheduled.getRetryPolicy().getMaximumAttempts()).isZero();
    assertThat(scheduled.getRetryPolicy().getNonRetryableErrorTypesList())
        .containsExactly("PermanentEmailFailure", "InvalidEmailRequest");
  }

  private SignupState run(String workflowId) {
    return stub(workflowId).signUp(new Signup("ada@example.com", "Ada"));
  }

  private WorkflowExecutionDescription describe(String workflowId) {
    return env.getWorkflowClient().newUntypedWorkflowStub(workflowId).describe();
  }

  private SignupWorkflow stub(String workflowId) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            SignupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TASK_QUEUE)
                .build());
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

  /** An {@link EmailSender} that fails attempts as scripted and records when each one came. */
  private static final class ScriptedSender implements EmailSender {
    private final TestWorkflowEnvironment env;
    private final List<Long> attemptTimes = new CopyOnWriteArrayList<>();
    private volatile IntFunction<EmailFailure> script = attempt -> null;
    private final CountDownLatch hold = new CountDownLatch(1);
    private volatile boolean holding;

    ScriptedSender(TestWorkflowEnvironment env) {
      this.env = env;
    }

    void script(IntFunction<EmailFailure> failureForAttempt) {
      this.script = failureForAttempt;
    }

    /** Makes every attempt wait, before it is recorded, until the returned latch opens. */
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

    @Override
    public String send(OutgoingEmail email) throws EmailDeliveryException {
      if (holding) {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EmailDeliveryException(EmailFailure.TransientEmailFailure, "interrupted");
        }
      }
      attemptTimes.add(env.currentTimeMillis());
      int attempt = attemptTimes.size();
      EmailFailure failure = script.apply(attempt);
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
