package dev.signups.server.core;

import dev.signups.activities.PersonalData;
import dev.signups.workflows.SignupSearchAttributes;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflow;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;

/**
 * How the workflow of an address's signup starts: its id, keyed from the address; its task queue;
 * the queue of its emails; its search attributes from the start; a masked summary.
 */
public final class SignupStarts {

  private final WorkflowClient client;
  private final SignupIds ids;
  private final String taskQueue;
  private final ProviderQueues providers;

  /**
   * @param taskQueue the task queue of the signup workflow
   * @param providers the task queue of each mail provider's emails
   */
  public SignupStarts(
      WorkflowClient client, SignupIds ids, String taskQueue, ProviderQueues providers) {
    this.client = client;
    this.ids = ids;
    this.taskQueue = taskQueue;
    this.providers = providers;
  }

  String idFor(String email) {
    return ids.idFor(email);
  }

  /** The task queue of the emails to {@code email}, or null for the workflow's own. */
  String emailQueue(String email) {
    return providers.queueFor(email);
  }

  /**
   * A stub that starts the signup of {@code email} under {@code conflict}, its search attributes
   * saying {@code status} and no attempts from the start.
   */
  SignupWorkflow stub(String email, WorkflowIdConflictPolicy conflict, SignupStatus status) {
    return client.newWorkflowStub(
        SignupWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(ids.idFor(email))
            .setTaskQueue(taskQueue)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(SignupSearchAttributes.STATUS, status.name())
                    .set(SignupSearchAttributes.ATTEMPTS, 0L)
                    .build())
            .setStaticSummary("Signup of " + PersonalData.maskAddress(email))
            .setWorkflowIdConflictPolicy(conflict)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .build());
  }
}
