package dev.signups.server.temporal;

import com.google.protobuf.ByteString;
import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.ConfirmationTokens;
import dev.signups.server.api.SignupPage;
import dev.signups.server.api.SignupSummary;
import dev.signups.server.api.SignupView;
import dev.signups.server.confirm.ConfirmationOutcome;
import dev.signups.server.core.SignupIds;
import dev.signups.workflows.ConfirmationPolicy;
import dev.signups.workflows.ConfirmationRejection;
import dev.signups.workflows.Signup;
import dev.signups.workflows.SignupSearchAttributes;
import dev.signups.workflows.SignupState;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Starts, confirms and restarts signup workflows and reads their state, translating Temporal's
 * failures.
 */
public final class Signups {

  private static final Set<Status.Code> UNAVAILABLE =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);

  /** How the server answers a page token it cannot decode: SQL visibility says UNKNOWN. */
  private static final Set<Status.Code> REJECTED_TOKEN =
      Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.UNKNOWN);

  private final WorkflowClient client;
  private final SignupIds ids;
  private final String taskQueue;
  private final ConfirmationPolicy policy;
  private final ConfirmationTokens tokens;
  private final Clock clock;

  /**
   * @param policy the confirmation policy of the signups this starts
   * @param tokens verifies the tokens of confirmation links
   */
  public Signups(
      WorkflowClient client,
      SignupIds ids,
      String taskQueue,
      ConfirmationPolicy policy,
      ConfirmationTokens tokens,
      Clock clock) {
    this.client = client;
    this.ids = ids;
    this.taskQueue = taskQueue;
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
    String id = ids.idFor(email);
    SignupWorkflow workflow =
        client.newWorkflowStub(
            SignupWorkflow.class,
            options(id, email, WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING));
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(workflow::signUp, new Signup(email, name, policy));
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
    Optional<SignupView> last = find(id);
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
        client.newWorkflowStub(
            SignupWorkflow.class,
            options(
                id, previous.email(), WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL));
    try {
      call(
          "the signup was not started again",
          () ->
              WorkflowClient.start(
                  workflow::signUp, new Signup(previous.email(), previous.name(), policy)));
    } catch (WorkflowExecutionAlreadyStarted e) {
      // Started again by a concurrent call: the outcome asked for.
    }
    return Optional.of(from);
  }

  /** Follows the confirmation link with {@code token}. */
  public ConfirmationOutcome confirm(String token) {
    Optional<ConfirmationClaim> claim = tokens.verify(token);
    if (claim.isEmpty()) {
      return ConfirmationOutcome.INVALID;
    }
    if (!clock.instant().isBefore(claim.get().expiresAt())) {
      return ConfirmationOutcome.EXPIRED;
    }
    SignupWorkflow workflow = client.newWorkflowStub(SignupWorkflow.class, claim.get().signupId());
    try {
      call(
          "the signup was not confirmed",
          () -> {
            workflow.confirm(token);
            return null;
          });
      return ConfirmationOutcome.CONFIRMED;
    } catch (WorkflowUpdateException e) {
      return refusal(e, workflow);
    } catch (WorkflowNotFoundException e) {
      return ConfirmationOutcome.INVALID;
    }
  }

  /**
   * What the workflow's refusal of a confirmation means for whoever followed the link. The Java SDK
   * up to 1.38 reports every failure a validator throws with the type {@code
   * WorkflowExecutionException} instead of its own (temporalio/sdk-java#2875), so a refusal of
   * another type is read from the signup's state: refused because it is confirmed, or else invalid.
   */
  private static ConfirmationOutcome refusal(WorkflowUpdateException e, SignupWorkflow workflow) {
    String type = e.getCause() instanceof ApplicationFailure failure ? failure.getType() : "";
    if (type.equals(ConfirmationRejection.AlreadyConfirmed.name())) {
      return ConfirmationOutcome.ALREADY_CONFIRMED;
    }
    if (type.equals(ConfirmationRejection.LinkExpired.name())) {
      return ConfirmationOutcome.EXPIRED;
    }
    if (type.equals(ConfirmationRejection.UnknownToken.name())) {
      return ConfirmationOutcome.INVALID;
    }
    SignupState state = call("the signup was not confirmed", workflow::state);
    return state.status() == SignupStatus.CONFIRMED
        ? ConfirmationOutcome.ALREADY_CONFIRMED
        : ConfirmationOutcome.INVALID;
  }

  /** Returns the claim of {@code token} when it is genuine, expired or not. */
  public Optional<ConfirmationClaim> verify(String token) {
    return tokens.verify(token);
  }

  private WorkflowOptions options(String id, String email, WorkflowIdConflictPolicy conflict) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(taskQueue)
        .setStaticSummary("Signup of " + SignupIds.mask(email))
        .setWorkflowIdConflictPolicy(conflict)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .build();
  }

  /**
   * Reads the state of signup {@code id} through the workflow's query. While the email is being
   * sent, the attempts so far and the last error come from the pending activity, which only the
   * server sees between retries.
   */
  public Optional<SignupView> find(String id) {
    if (!SignupIds.isWellFormed(id)) {
      return Optional.empty();
    }
    SignupState state;
    try {
      state =
          call(
              "cannot read the signup now",
              () -> client.newWorkflowStub(SignupWorkflow.class, id).state());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
    int attempts = state.attempts();
    String lastError = state.lastError();
    if (state.status() == SignupStatus.SENDING) {
      Optional<PendingActivityInfo> pending = pendingActivity(id);
      if (pending.isPresent()) {
        attempts = pending.get().getAttempt() - 1;
        if (pending.get().hasLastFailure()) {
          lastError = pending.get().getLastFailure().getMessage();
        }
      }
    }
    return Optional.of(
        new SignupView(
            id,
            state.status(),
            attempts,
            lastError,
            state.messageId(),
            state.startedAt(),
            state.updatedAt(),
            state.expiresAt()));
  }

  /**
   * Lists the signups whose published status is {@code status}, newest first, from Temporal's
   * visibility store, which lags the workflows by up to a second.
   *
   * @param pageToken the previous page's {@link SignupPage#nextPageToken()}, or null for the first
   * @throws IllegalArgumentException when {@code pageToken} is not one this method returned
   */
  public SignupPage list(SignupStatus status, int pageSize, String pageToken) {
    ListWorkflowExecutionsRequest.Builder request =
        ListWorkflowExecutionsRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setPageSize(pageSize)
            .setQuery(
                "WorkflowType = 'SignupWorkflow' AND "
                    + SignupSearchAttributes.STATUS.getName()
                    + " = '"
                    + status.name()
                    + "'");
    if (pageToken != null && !pageToken.isEmpty()) {
      try {
        request.setNextPageToken(ByteString.copyFrom(Base64.getUrlDecoder().decode(pageToken)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("pageToken is not valid");
      }
    }
    ListWorkflowExecutionsResponse response;
    try {
      response =
          call(
              "cannot list signups now",
              () ->
                  client
                      .getWorkflowServiceStubs()
                      .blockingStub()
                      .listWorkflowExecutions(request.build()));
    } catch (StatusRuntimeException e) {
      if (request.getNextPageToken().isEmpty()
          || !REJECTED_TOKEN.contains(e.getStatus().getCode())) {
        throw e;
      }
      throw new IllegalArgumentException("pageToken is not valid");
    }
    List<SignupSummary> signups = response.getExecutionsList().stream().map(this::summary).toList();
    String next =
        response.getNextPageToken().isEmpty()
            ? null
            : Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(response.getNextPageToken().toByteArray());
    return new SignupPage(signups, next);
  }

  private SignupSummary summary(WorkflowExecutionInfo info) {
    WorkflowExecutionMetadata execution =
        new WorkflowExecutionMetadata(info, client.getOptions().getDataConverter());
    SearchAttributes attributes = execution.getTypedSearchAttributes();
    Long attempts = attributes.get(SignupSearchAttributes.ATTEMPTS);
    return new SignupSummary(
        execution.getExecution().getWorkflowId(),
        SignupStatus.valueOf(attributes.get(SignupSearchAttributes.STATUS)),
        attempts == null ? 0 : attempts,
        (String) execution.getMemo(SignupSearchAttributes.LAST_ERROR_MEMO, String.class),
        execution.getStartTime(),
        execution.getCloseTime());
  }

  private Optional<PendingActivityInfo> pendingActivity(String id) {
    DescribeWorkflowExecutionRequest request =
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
            .build();
    return call(
        "cannot read the signup now",
        () ->
            client
                .getWorkflowServiceStubs()
                .blockingStub()
                .describeWorkflowExecution(request)
                .getPendingActivitiesList()
                .stream()
                .findFirst());
  }

  private static <T> T call(String consequence, Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (RuntimeException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof StatusRuntimeException status
            && UNAVAILABLE.contains(status.getStatus().getCode())) {
          throw new TemporalUnavailableException(
              "Temporal is unavailable; " + consequence + ", try again shortly", e);
        }
      }
      throw e;
    }
  }
}
