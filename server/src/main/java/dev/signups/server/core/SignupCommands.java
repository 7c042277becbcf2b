package dev.signups.server.core;

import static dev.signups.server.core.TemporalCalls.call;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.server.api.SignupView;
import dev.signups.server.confirm.ConfirmationOutcome;
import dev.signups.workflows.ConfirmationPolicy;
import dev.signups.workflows.ConfirmationRejection;
import dev.signups.workflows.Signup;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflow;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import java.time.Clock;
import java.util.Optional;

/** Starts, confirms and restarts signup workflows. */
public final class SignupCommands {

  private final WorkflowClient client;
  private final SignupReads reads;
  private final SignupStarts starts;
  private final ConfirmationPolicy policy;
  private final ConfirmationTokens tokens;
  private final Clock clock;

  /**
   * @param reads tells the status of a signup to restart
   * @param starts starts the workflows of signups
   * @param policy the confirmation policy of the signups this starts
   * @param tokens verifies the tokens of confirmation links
   */
  public SignupCommands(
      WorkflowClient client,
      SignupReads reads,
      SignupStarts starts,
      ConfirmationPolicy policy,
      ConfirmationTokens tokens,
      Clock clock) {
    this.client = client;
    this.reads = reads;
    this.starts = starts;
    this.policy = policy;
    this.tokens = tokens;
    this.clock = clock;
  }

  /**
   * Records that {@code email} signed up, in one call to Temporal whatever the address's past, so
   * that neither the answer nor its timing tells whether the address is known: it starts a signup
   * unless one is running for the address, and signals the running one, which decides whether to
   * send a fresh link.
   */
  public void start(String email, String name) {
    SignupWorkflow workflow =
        starts.stub(
            email,
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
            SignupStatus.SENDING);
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(workflow::signUp, new Signup(email, name, policy, starts.emailQueue(email)));
    request.add(workflow::signupRequested);
    call("the signup was not recorded", () -> client.signalWithStart(request));
  }

  /**
   * Starts signup {@code id} again, with the address and name of its last run and the current
   * confirmation policy, when that run ended as {@code from}: the re-drive of a failed delivery, or
   * a new link for an expired one.
   *
   * @return the status of the last run, which is {@code from} when the signup was started again;
   *     empty when there is no signup {@code id}
   */
  public Optional<SignupStatus> restart(String id, SignupStatus from) {
    Optional<SignupView> last = reads.find(id);
    if (last.isEmpty() || last.get().status() != from) {
      return last.map(SignupView::status);
    }
    Payloads input =
        call("the signup was not started again", () -> client.fetchHistory(id))
            .getHistory()
            .getEvents(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getInput();
    Signup previous =
        client
            .getOptions()
            .getDataConverter()
            .fromPayloads(0, Optional.of(input), Signup.class, Signup.class);
    SignupWorkflow workflow =
        starts.stub(
            previous.email(),
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
            SignupStatus.SENDING);
    try {
      call(
          "the signup was not started again",
          () ->
              WorkflowClient.start(
                  workflow::signUp,
                  new Signup(
                      previous.email(),
                      previous.name(),
                      policy,
                      starts.emailQueue(previous.email()))));
    } catch (WorkflowExecutionAlreadyStarted e) {
      // Started again by a concurrent call: the outcome asked for.
    }
    return Optional.of(from);
  }

  /**
   * What the link with {@code token} says by itself, without asking its signup: {@code INVALID}
   * when it is forged or malformed, {@code EXPIRED} when its window has passed; empty when only the
   * signup can tell. Calls nothing and changes nothing.
   */
  public Optional<ConfirmationOutcome> checkLink(String token) {
    Optional<ConfirmationClaim> claim = tokens.verify(token);
    if (claim.isEmpty()) {
      return Optional.of(ConfirmationOutcome.INVALID);
    }
    if (!clock.instant().isBefore(claim.get().expiresAt())) {
      return Optional.of(ConfirmationOutcome.EXPIRED);
    }
    return Optional.empty();
  }

  /** Confirms the signup of the link with {@code token}. */
  public ConfirmationOutcome confirm(String token) {
    Optional<ConfirmationOutcome> refused = checkLink(token);
    if (refused.isPresent()) {
      return refused.get();
    }
    String signupId = tokens.verify(token).orElseThrow().signupId();
    SignupWorkflow workflow = client.newWorkflowStub(SignupWorkflow.class, signupId);
    try {
      call(
          "the signup was not confirmed",
          () -> {
            workflow.confirm(token);
            return null;
          });
      return ConfirmationOutcome.CONFIRMED;
    } catch (WorkflowUpdateException e) {
      return refusal(e);
    } catch (WorkflowNotFoundException e) {
      return ConfirmationOutcome.INVALID;
    }
  }

  /** Returns the claim of {@code token} when it is genuine, expired or not. */
  public Optional<ConfirmationClaim> verify(String token) {
    return tokens.verify(token);
  }

  /** What the workflow's refusal of a confirmation means for whoever followed the link. */
  private static ConfirmationOutcome refusal(WorkflowUpdateException e) {
    return ConfirmationRejection.of(e)
        .map(
            reason ->
                switch (reason) {
                  case AlreadyConfirmed -> ConfirmationOutcome.ALREADY_CONFIRMED;
                  case LinkExpired -> ConfirmationOutcome.EXPIRED;
                  case UnknownToken, Suppressed -> ConfirmationOutcome.INVALID;
                })
        .orElse(ConfirmationOutcome.INVALID);
  }
}
