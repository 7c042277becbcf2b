package dev.signups.workflows;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.ConfirmationLinkActivity;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.LinkDigest;
import dev.signups.activities.Recipient;
import dev.signups.activities.SendEmailActivity;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * Runs a signup. Its activity options come from worker registration ({@link
 * SignupWorkflows#register}), never from this class.
 */
public final class SignupWorkflowImpl implements SignupWorkflow {

  private static final Logger log = Workflow.getLogger(SignupWorkflowImpl.class);

  /** Version 1 publishes the state as search attributes and memo on every change. */
  static final String PUBLISH_STATE = "publish-state";

  /** Version 1 sends a link and waits for it to be followed; before, the signup ended at SENT. */
  static final String DOUBLE_OPT_IN = "double-opt-in";

  /**
   * Version 1 sends the emails from the signup's own task queue when its input names one (a mail
   * provider's, rate-limited by the server), and takes its first search attributes from the start
   * request instead of upserting them.
   */
  static final String PROVIDER_ROUTING = "provider-routing";

  /** Version 1 suppresses the address on a hard bounce or a complaint. */
  static final String SUPPRESSION = "suppression";

  /**
   * Version 1 has every change above and records this one marker instead of one for each: two to
   * four fewer events in every signup started since.
   */
  static final String ONE_MARKER = "one-marker";

  private SendEmailActivity email = Workflow.newActivityStub(SendEmailActivity.class);
  private final ConfirmationLinkActivity links =
      Workflow.newLocalActivityStub(ConfirmationLinkActivity.class);

  /** The digest of every link sent, in order: link n is the n-th. */
  private final List<byte[]> linkDigests = new ArrayList<>();

  private SignupState state = SignupState.sending(now());
  private boolean publishesState;
  private boolean confirmed;
  private boolean suppressed;

  /** Where a suppressed signup stood, and returns to when the suppression is lifted. */
  private SignupStatus beforeSuppression;

  private Instant lastEmailAt;
  private Instant lastRequestedAt;

  @Override
  public SignupState signUp(Signup signup) {
    publishesState = has(PUBLISH_STATE);
    boolean doubleOptIn = has(DOUBLE_OPT_IN);
    Recipient recipient = new Recipient(signup.email(), signup.name());
    if (signup.confirmed() != null) {
      confirmed = true;
      carry(signup.confirmed(), SignupStatus.CONFIRMED);
      return idle(signup);
    }
    if (signup.suppressed() != null) {
      carry(signup.suppressed(), SignupStatus.EXPIRED);
      return idle(signup);
    }
    boolean routed = has(PROVIDER_ROUTING);
    if (routed && signup.emailTaskQueue() != null) {
      email =
          Workflow.newActivityStub(
              SendEmailActivity.class,
              ActivityOptions.newBuilder().setTaskQueue(signup.emailTaskQueue()).build());
    }
    if (!routed
        || !Workflow.getTypedSearchAttributes().containsKey(SignupSearchAttributes.STATUS)) {
      enter(state);
    }
    if (!doubleOptIn) {
      return sendUnlinkedConfirmation(recipient);
    }
    ConfirmationPolicy policy = signup.confirmationOrDefault();
    Instant expiresAt = now().plus(policy.window()).truncatedTo(ChronoUnit.SECONDS);
    Instant remindAt = policy.reminds() ? state.startedAt().plus(policy.remindAfter()) : null;
    state = state.expiringAt(expiresAt);
    if (!sendLink(EmailKind.CONFIRMATION, recipient) && !confirmed) {
      return suppressed ? idle(signup) : state;
    }
    while (!confirmed) {
      if (suppressed) {
        Workflow.await(() -> !suppressed || Workflow.getInfo().isContinueAsNewSuggested());
        if (suppressed) {
          continueAsNew(signup);
        }
      } else if (!now().isBefore(expiresAt)) {
        enter(state.expired(now()));
        return state;
      } else if (resendDue(policy)) {
        sendLink(EmailKind.CONFIRMATION, recipient);
      } else if (remindAt != null && !now().isBefore(remindAt)) {
        remindAt = null;
        sendLink(EmailKind.REMINDER, recipient);
      } else {
        Instant wakeAt = remindAt == null || remindAt.isAfter(expiresAt) ? expiresAt : remindAt;
        Workflow.await(
            Duration.between(now(), wakeAt), () -> confirmed || suppressed || resendDue(policy));
      }
    }
    send(
        email::sendWelcome,
        new EmailRequest(messageKey(EmailKind.WELCOME), recipient, EmailKind.WELCOME, null),
        receipt -> state.confirmed(receipt.attempt(), receipt.messageId(), null, now()),
        (attempts, reason) -> state.confirmed(attempts, state.messageId(), reason, now()));
    return idle(signup);
  }

  @Override
  public void signupRequested() {
    lastRequestedAt = now();
  }

  @Override
  public void confirm(String token) {
    confirmed = true;
  }

  @Override
  public void validateConfirm(String token) {
    if (confirmed) {
      throw ConfirmationRejection.AlreadyConfirmed.failure("the signup is already confirmed");
    }
    if (suppressed) {
      throw ConfirmationRejection.Suppressed.failure("the address is suppressed");
    }
    byte[] digest = LinkDigest.of(token == null ? "" : token).getBytes(StandardCharsets.US_ASCII);
    if (linkDigests.stream().noneMatch(sent -> MessageDigest.isEqual(sent, digest))) {
      throw ConfirmationRejection.UnknownToken.failure("the signup sent no such link");
    }
    if (!now().isBefore(state.expiresAt())) {
      throw ConfirmationRejection.LinkExpired.failure("the link expired");
    }
  }

  @Override
  public void bounced(Bounce bounce) {
    if (!has(SUPPRESSION)) {
      return;
    }
    if (bounce.type().suppresses() && !suppressed) {
      beforeSuppression = state.status();
      suppressed = true;
    }
    enter(state.bounced(bounce, now()));
  }

  @Override
  public void unsuppress() {
    suppressed = false;
    enter(state.in(beforeSuppression, now()));
  }

  @Override
  public void validateUnsuppress() {
    if (!suppressed) {
      throw ApplicationFailure.newNonRetryableFailure(
          NOT_SUPPRESSED + ": the signup is " + state.status(), NOT_SUPPRESSED);
    }
  }

  @Override
  public SignupState state() {
    return state;
  }

  /** Sends the confirmation email of the first version, which has no link, and ends at SENT. */
  private SignupState sendUnlinkedConfirmation(Recipient recipient) {
    send(
        email::send,
        new EmailRequest(
            messageKey(EmailKind.CONFIRMATION), recipient, EmailKind.UNLINKED_CONFIRMATION, null),
        receipt -> state.sent(receipt.attempt(), receipt.messageId(), now()),
        (attempts, reason) -> state.deliveryFailed(attempts, reason, now()));
    return state;
  }

  /**
   * Sends an email with a fresh link, known to the update validator before the email goes out.
   * Returns false when it failed: the first failing ends the signup as DELIVERY_FAILED, unless its
   * link was followed all the same; a later one (a reminder or a resend) only records its error.
   */
  private boolean sendLink(EmailKind kind, Recipient recipient) {
    boolean first = linkDigests.isEmpty();
    int sequence = linkDigests.size() + 1;
    ConfirmationClaim link =
        new ConfirmationClaim(Workflow.getInfo().getWorkflowId(), state.expiresAt(), sequence);
    linkDigests.add(links.digest(link).getBytes(StandardCharsets.US_ASCII));
    boolean sent =
        send(
            email::send,
            new EmailRequest(messageKey(kind) + "-" + sequence, recipient, kind, link),
            receipt -> state.awaitingConfirmation(receipt.attempt(), receipt.messageId(), now()),
            (attempts, reason) ->
                first
                    ? state.deliveryFailed(attempts, reason, now())
                    : state.emailFailed(attempts, reason, now()));
    lastEmailAt = now();
    return sent;
  }

  /** Whether someone signed up again after the resend cooldown of the last email had passed. */
  private boolean resendDue(ConfirmationPolicy policy) {
    return lastRequestedAt != null
        && !lastRequestedAt.isBefore(lastEmailAt.plus(policy.resendCooldown()));
  }

  /**
   * Sends {@code request} through {@code activity}, then enters the state {@code onSent} or {@code
   * onFailed} makes of the outcome. Returns whether the email was sent.
   */
  private boolean send(
      Function<EmailRequest, EmailReceipt> activity,
      EmailRequest request,
      Function<EmailReceipt, SignupState> onSent,
      BiFunction<Integer, String, SignupState> onFailed) {
    try {
      enter(onSent.apply(activity.apply(request)));
      return true;
    } catch (ActivityFailure failure) {
      enter(onFailed.apply(attempts(failure), reason(failure)));
      log.warn("{} email not delivered: {}", request.kind().template(), state.lastError());
      return false;
    }
  }

  /**
   * Keeps a confirmed or a suppressed signup running, idle, so that signing up again with its
   * address starts nothing; continues as new when the history grows long, carrying the state. A
   * signup that is neither any more (its suppression lifted before it was confirmed) ends as it
   * stands.
   */
  private SignupState idle(Signup signup) {
    Workflow.await(
        () -> Workflow.getInfo().isContinueAsNewSuggested() || !(confirmed || suppressed));
    if (!(confirmed || suppressed)) {
      return state;
    }
    return continueAsNew(signup);
  }

  private SignupState continueAsNew(Signup signup) {
    Workflow.await(Workflow::isEveryHandlerFinished);
    Workflow.continueAsNew(signup.carrying(state, confirmed));
    return state;
  }

  /**
   * Takes the state a previous run carried: suppressed, when it was, returning to {@code lifted}
   * once the suppression is lifted. A bounce that came with the start (the bounce that starts a
   * signup, or one signalled while the previous run continued as new) was handled before this
   * method ran, as Temporal runs the handlers of such signals first: it is kept.
   */
  private void carry(SignupState carried, SignupStatus lifted) {
    suppressed |= carried.status() == SignupStatus.SUPPRESSED;
    beforeSuppression = lifted;
    enter(
        state.lastBounce() == null
            ? carried
            : carried.bounced(state.lastBounce(), state.updatedAt()));
  }

  /**
   * Whether this run has {@code change}, one of the versioned changes above: all of them since
   * {@link #ONE_MARKER}, else as its own marker says.
   */
  private static boolean has(String change) {
    return Workflow.getVersion(ONE_MARKER, Workflow.DEFAULT_VERSION, 1) >= 1
        || Workflow.getVersion(change, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** The Message-ID key of {@code kind} in this run: unique to the run, stable across attempts. */
  private static String messageKey(EmailKind kind) {
    WorkflowInfo info = Workflow.getInfo();
    return info.getWorkflowId() + "." + info.getRunId() + "." + kind.template();
  }

  /**
   * Makes {@code next} the state and publishes it. While the address is suppressed, the status
   * stays {@code SUPPRESSED} and {@code next}'s is where the signup returns once it is lifted.
   */
  private void enter(SignupState next) {
    if (suppressed && next.status() != SignupStatus.SUPPRESSED) {
      beforeSuppression = next.status();
      next = next.suppressed(next.updatedAt());
    }
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
