package dev.signups.server.testing;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.List;

/** A real Temporal server for tests, the dev server or a cluster, as its clients reach it. */
public interface TemporalServer {

  /** The frontend's address, {@code 127.0.0.1:port}. */
  String target();

  /** New stubs connected to the frontend; the caller shuts them down. */
  default WorkflowServiceStubs stubs() {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
  }

  /** The events of the latest run of workflow {@code workflowId}, oldest first. */
  default List<HistoryEvent> history(String workflowId) {
    WorkflowServiceStubs stubs = stubs();
    try {
      return WorkflowClient.newInstance(stubs).fetchHistory(workflowId).getEvents();
    } finally {
      stubs.shutdownNow();
    }
  }
}
