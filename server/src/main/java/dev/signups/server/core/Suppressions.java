package dev.signups.server.core;

import static dev.signups.server.core.TemporalCalls.call;

import dev.signups.server.api.SignupView;
import dev.signups.workflows.Bounce;
import dev.signups.workflows.Signup;
import dev.signups.workflows.SignupStatus;
import dev.signups.workflows.SignupWorkflow;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import java.time.Clock;
import java.util.Optional;

/** Suppresses addresses that providers bounced or that complained, and lifts suppressions. */
public final class Suppressions {

  private final WorkflowClient client;
  private final SignupReads reads;
  private final SignupStarts starts;
  private final Clock clock;

  public Suppressions(WorkflowClient client, SignupReads reads, SignupStarts starts, Clock clock) {
    this.client = client;
    this.reads = reads;
    this.starts = starts;
    this.clock = clock;
  }

  /**
   * Records a mail provider's bounce of an email to {@code address}. A hard bounce or a complaint
   * suppresses the address, starting a suppressed signup when none runs for it; a soft bounce is
   * recorded on the running signup, if any.
   */
  public void bounce(String address, Bounce bounce) {
    String id = starts.idFor(address);
    if (!bounce.type().suppresses()) {
      try {
        call(
            "the bounce was not recorded",
            () -> {
              client.newWorkflowStub(SignupWorkflow.class, id).bounced(bounce);
              return null;
            });
      } catch (WorkflowNotFoundException e) {
        // No signup runs for the address: nothing keeps a soft bounce.
      }
      return;
    }
    SignupWorkflow workflow =
        starts.stub(
            address,
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
            SignupStatus.SUPPRESSED);
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(
        workflow::signUp, Signup.suppressed(address, starts.emailQueue(address), clock.instant()));
    request.add(workflow::bounced, bounce);
    call("the bounce was not recorded", () -> client.signalWithStart(request));
  }

  /**
   * Lifts the suppression of signup {@code id}.
   *
   * @return the signup's status, {@code SUPPRESSED} when it was lifted; empty when there is no
   *     running signup {@code id}
   */
  public Optional<SignupStatus> unsuppress(String id) {
    if (!SignupIds.isWellFormed(id)) {
      return Optional.empty();
    }
    try {
      call(
          "the suppression was not lifted",
          () -> {
            client.newWorkflowStub(SignupWorkflow.class, id).unsuppress();
            return null;
          });
      return Optional.of(SignupStatus.SUPPRESSED);
    } catch (WorkflowUpdateException e) {
      return reads.find(id).map(SignupView::status);
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
  }
}
