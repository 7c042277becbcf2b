package dev.signups.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** B0's starter: {@code WorkflowClient.start} of {@link BareSignupWorkflow}, one per signup. */
final class BareTemporalTarget implements SignupTarget {

  private final ExecutorService executor = Executors.newCachedThreadPool(Main.daemon("b0-start"));
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final Duration linkValidity;
  private final AtomicInteger reported = new AtomicInteger();

  BareTemporalTarget(String target, String namespace, Duration linkValidity) {
    this.stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    this.client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    this.linkValidity = linkValidity;
  }

  @Override
  public CompletableFuture<Integer> submit(String email, String name) {
    return CompletableFuture.supplyAsync(
            () -> {
              BareSignupWorkflow workflow =
                  client.newWorkflowStub(
                      BareSignupWorkflow.class,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(workflowId(email))
                          .setTaskQueue(BareSignupWorkflow.TASK_QUEUE)
                          .build());
              WorkflowClient.start(
                  workflow::signUp, new BareSignupWorkflow.Signup(email, name, linkValidity));
              return ACCEPTED;
            },
            executor)
        .exceptionally(
            e -> {
              if (reported.getAndIncrement() < 3) {
                Main.log("B0's client: " + e);
              }
              return NO_ANSWER;
            });
  }

  /** The id of the B0 workflow of {@code email}. */
  static String workflowId(String email) {
    return "bare-" + email;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    stubs.shutdownNow();
  }
}
