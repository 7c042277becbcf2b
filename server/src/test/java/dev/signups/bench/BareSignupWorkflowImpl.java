package dev.signups.bench;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.Recipient;
import dev.signups.activities.SendEmailActivity;
import dev.signups.workflows.Signup;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Its activity options come from worker registration, as in the application. */
public final class BareSignupWorkflowImpl implements BareSignupWorkflow {

  private final SendEmailActivity email = Workflow.newActivityStub(SendEmailActivity.class);

  @Override
  public EmailReceipt signUp(Signup signup) {
    WorkflowInfo info = Workflow.getInfo();
    Instant expiresAt =
        Instant.ofEpochMilli(Workflow.currentTimeMillis())
            .plus(signup.linkValidity())
            .truncatedTo(ChronoUnit.SECONDS);
    return email.send(
        new EmailRequest(
            info.getWorkflowId() + "." + info.getRunId() + ".confirmation-1",
            new Recipient(signup.email(), signup.name()),
            EmailKind.CONFIRMATION,
            new ConfirmationClaim(info.getWorkflowId(), expiresAt, 1)));
  }
}
