package dev.signups.server.core;

import static dev.signups.server.core.TemporalCalls.call;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import dev.signups.server.api.SignupPage;
import dev.signups.server.api.SignupSummary;
import dev.signups.server.api.SignupView;
import dev.signups.workflows.SignupSearchAttributes;
import dev.signups.workflows.SignupState;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.TemporalFailure;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Reads the state of signups: one through its workflow, many through Temporal's visibility. */
public final class SignupReads {

  /** Every current or finished run of a signup; continued-as-new runs live on in their next. */
  private static final String SIGNUP_RUNS =
      "WorkflowType = '" + SignupWorkflow.TYPE + "' AND ExecutionStatus != 'ContinuedAsNew'";

  /** Runs listed per call when looking for the latest of a page's signups. */
  private static final int RUNS_PAGE_SIZE = 1000;

  private final WorkflowClient client;

  public SignupReads(WorkflowClient client) {
    this.client = client;
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
          Failure failure = pending.get().getLastFailure();
          lastError = call("cannot read the signup now", () -> message(failure));
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
            state.expiresAt(),
            state.lastBounce()));
  }

  /**
   * Lists the signups whose published status is {@code status}, newest first, from Temporal's
   * visibility store, which lags the workflows by up to a second.
   *
   * @param pageToken the previous page's {@link SignupPage#nextPageToken()}, or null for the first
   * @throws IllegalArgumentException when {@code pageToken} is not one this method returned
   */
  public SignupPage list(SignupStatus status, int pageSize, String pageToken) {
    boolean withToken = pageToken != null && !pageToken.isEmpty();
    ListWorkflowExecutionsRequest.Builder request =
        ListWorkflowExecutionsRequest.newBuilder()
            .setPageSize(pageSize)
            .setQuery(
                SIGNUP_RUNS
                    + " AND "
                    + SignupSearchAttributes.STATUS.getName()
                    + " = '"
                    + status.name()
                    + "'");
    if (withToken) {
      try {
        request.setNextPageToken(ByteString.copyFrom(Base64.getUrlDecoder().decode(pageToken)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("pageToken is not valid");
      }
    }
    ListWorkflowExecutionsResponse page =
        TemporalCalls.callWithPageToken(
            "cannot list signups now", withToken, () -> listExecutions(request));
    Set<String> latest = latestRuns(page.getExecutionsList());
    List<SignupSummary> signups =
        call(
            "cannot list signups now",
            () ->
                page.getExecutionsList().stream()
                    .filter(info -> latest.contains(info.getExecution().getRunId()))
                    .map(this::summary)
                    .toList());
    String next =
        page.getNextPageToken().isEmpty()
            ? null
            : Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(page.getNextPageToken().toByteArray());
    return new SignupPage(signups, next);
  }

  /**
   * The run ids, among {@code executions}, that are their signup's latest run. A run that ended is
   * superseded once its signup starts again (a re-drive, or a new signup after it expired); one
   * visibility query over the page's signups tells, whatever the page's size.
   */
  private Set<String> latestRuns(List<WorkflowExecutionInfo> executions) {
    Set<String> closedIds = new TreeSet<>();
    Set<String> latest = new HashSet<>();
    for (WorkflowExecutionInfo info : executions) {
      if (info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        latest.add(info.getExecution().getRunId());
      } else if (SignupIds.isWellFormed(info.getExecution().getWorkflowId())) {
        closedIds.add(info.getExecution().getWorkflowId());
      }
    }
    if (closedIds.isEmpty()) {
      return latest;
    }
    Map<String, WorkflowExecutionInfo> newest = new HashMap<>();
    ListWorkflowExecutionsRequest.Builder runs =
        ListWorkflowExecutionsRequest.newBuilder()
            .setPageSize(RUNS_PAGE_SIZE)
            .setQuery(
                SIGNUP_RUNS
                    + " AND WorkflowId IN ("
                    + closedIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","))
                    + ")");
    do {
      ListWorkflowExecutionsResponse response =
          call("cannot list signups now", () -> listExecutions(runs));
      for (WorkflowExecutionInfo run : response.getExecutionsList()) {
        newest.merge(
            run.getExecution().getWorkflowId(),
            run,
            (a, b) -> Timestamps.compare(a.getStartTime(), b.getStartTime()) >= 0 ? a : b);
      }
      runs.setNextPageToken(response.getNextPageToken());
    } while (!runs.getNextPageToken().isEmpty());
    newest.values().forEach(run -> latest.add(run.getExecution().getRunId()));
    return latest;
  }

  private ListWorkflowExecutionsResponse listExecutions(
      ListWorkflowExecutionsRequest.Builder request) {
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .listWorkflowExecutions(request.setNamespace(client.getOptions().getNamespace()).build());
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

  /**
   * The message of an activity's failure as the worker wrote it, the SMTP reply or network error:
   * the failure arrives with its message encrypted, as every payload.
   */
  private String message(Failure failure) {
    RuntimeException exception = client.getOptions().getDataConverter().failureToException(failure);
    return exception instanceof TemporalFailure temporal
        ? temporal.getOriginalMessage()
        : exception.getMessage();
  }

  private Optional<PendingActivityInfo> pendingActivity(String id) {
    return describe(id, "cannot read the signup now").getPendingActivitiesList().stream()
        .findFirst();
  }

  /** Describes the latest run of signup {@code id}. */
  private DescribeWorkflowExecutionResponse describe(String id, String consequence) {
    DescribeWorkflowExecutionRequest request =
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
            .build();
    return call(
        consequence,
        () -> client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(request));
  }
}
