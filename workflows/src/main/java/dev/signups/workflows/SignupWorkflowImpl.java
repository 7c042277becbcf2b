package dev.signups.workflows;

import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.Recipient;
import dev.signups.activities.SendEmailActivity;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Sends the confirmation email. Its activity options come from worker registration ({@link
 * SignupWorkflows#register}), never from this class.
 */
public final class SignupWorkflowImpl implements SignupWorkflow {

  private static final Logger log = Workflow.getLogger(SignupWorkflowImpl.class);

  /** Version 1 publishes the state as search attributes and memo on every change. */
  static final String PUBLISH_STATE = "publish-state";

  private final SendEmailActivity email = Workflow.newActivityStub(SendEmailActivity.class);
  private SignupState state = SignupState.sending(now());
  private boolean publishesState;

  @Override
  public SignupState signUp(Signup signup) {
    publishesState = Workflow.getVersion(PUBLISH_STATE, Workflow.DEFAULT_VERSION, 1) >= 1;
    enter(state);
    WorkflowInfo info = Workflow.getInfo();
    EmailRequest request =
        new EmailRequest(
            info.getWorkflowId() + "." + info.getRunId() + ".confirmation",
            new Recipient(signup.email(), signup.name()));
    try {
      EmailReceipt receipt = email.send(request);
      enter(state.sent(receipt.attempt(), receipt.messageId(), now()));
    } catch (ActivityFailure failure) {
      enter(state.deliveryFailed(attempts(failure), reason(failure), now()));
      log.warn("Confirmation email not delivered: {}", state.lastError());
    }
    return state;
  }

  @Override
  public SignupState state() {
    return state;
  }

  private void enter(SignupState next) {
    state = next;
    if (!publishesState) {
      return;
    }
    Workflow.upsertTypedSearchAttributes(
        SignupSearchAttributes.STATUS.valueSet(next.status().name()),
        SignupSearchAttributes.ATTEMPTS.valueSet((long) next.attempts()));
    if (next.lastError() != null) {
      Workflow.upsertMemo(Map.of(SignupSearchAttributes.LAST_ERROR_MEMO, next.lastError()));
    }
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  /** The attempt number the last failed attempt reported, or 0 when none did (a timeout). */
  private static int attempts(ActivityFailure failure) {
    ApplicationFailure last = lastApplicationFailure(failure);
    return last != null && last.getDetails().getSize() > 0
        ? last.getDetails().get(Integer.class)
        : 0;
  }

  private static String reason(ActivityFailure failure) {
    ApplicationFailure last = lastApplicationFailure(failure);
    String lastError =
        last != null
            ? last.getOriginalMessage()
            : failure.getCause() instanceof TimeoutFailure timeout
                ? "attempt timed out (" + timeout.getTimeoutType() + ")"
                : failure.getCause().getMessage();
    return switch (failure.getRetryState()) {
      case RETRY_STATE_TIMEOUT ->
          "gave up when scheduleToCloseTimeout ran out; last error: " + lastError;
      case RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED ->
          "gave up after maximumAttempts; last error: " + lastError;
      default -> lastError;
    };
  }

  private static ApplicationFailure lastApplicationFailure(ActivityFailure failure) {
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ApplicationFailure application) {
        return application;
      }
    }
    return null;
  }
}
