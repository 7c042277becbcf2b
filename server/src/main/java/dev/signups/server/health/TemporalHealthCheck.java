package dev.signups.server.health;

import com.codahale.metrics.health.HealthCheck;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;

/** Healthy when the Temporal frontend answers for the configured namespace. */
public final class TemporalHealthCheck extends HealthCheck {

  private final WorkflowServiceStubs stubs;
  private final String namespace;

  public TemporalHealthCheck(WorkflowServiceStubs stubs, String namespace) {
    this.stubs = stubs;
    this.namespace = namespace;
  }

  @Override
  protected Result check() {
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
      return Result.healthy("namespace %s reachable", namespace);
    } catch (StatusRuntimeException e) {
      return Result.unhealthy("namespace %s not reachable: %s", namespace, e.getStatus().getCode());
    }
  }
}
