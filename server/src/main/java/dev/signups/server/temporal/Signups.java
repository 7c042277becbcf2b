package dev.signups.server.temporal;

import com.google.protobuf.ByteString;
import dev.signups.server.api.SignupPage;
import dev.signups.server.api.SignupSummary;
import dev.signups.server.api.SignupView;
import dev.signups.server.core.SignupIds;
import dev.signups.workflows.Signup;
import dev.signups.workflows.SignupSearchAttributes;
import dev.signups.workflows.SignupState;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Starts signup workflows and reads their state, translating Temporal's failures. */
public final class Signups {

  private static final Set<Status.Code> UNAVAILABLE =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);

  /** How the server answers a page token it cannot decode: SQL visibility says UNKNOWN. */
  private static final Set<Status.Code> REJECTED_TOKEN =
      Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.UNKNOWN);

  private final WorkflowClient client;
  private final SignupIds ids;
  private final String taskQueue;

  public Signups(WorkflowClient client, SignupIds ids, String taskQueue) {
    this.client = client;
    this.ids = ids;
    this.taskQueue = taskQueue;
  }

  /**
   * Starts the signup of {@code signup.email()} unless one is already running for that address, and
   * returns its id either way.
   */
  public String start(Signup signup) {
    String id = ids.idFor(signup.email());
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(taskQueue)
            .setStaticSummary("Signup of " + SignupIds.mask(signup.email()))
            .setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .build();
    SignupWorkflow workflow = client.newWorkflowStub(SignupWorkflow.class, options);
    call("the signup was not recorded", () -> WorkflowClient.start(workflow::signUp, signup));
    return id;
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
            state.updatedAt()));
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
