package dev.signups.server.core;

import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.workflows.ConfirmationPolicy;
import io.temporal.client.WorkflowClient;
import java.time.Clock;

/**
 * What the HTTP APIs act on signups through: commands (start, confirm, restart), suppressions
 * (bounces and their lifting) and reads.
 */
public record Signups(SignupCommands commands, Suppressions suppressions, SignupReads reads) {

  /**
   * The signups of {@code client}'s namespace.
   *
   * @param taskQueue the task queue of the signup workflow
   * @param providers the task queue of each mail provider's emails
   * @param policy the confirmation policy of the signups started
   * @param tokens verifies the tokens of confirmation links
   * @param clock tells whether a link expired
   */
  public static Signups on(
      WorkflowClient client,
      SignupIds ids,
      String taskQueue,
      ProviderQueues providers,
      ConfirmationPolicy policy,
      ConfirmationTokens tokens,
      Clock clock) {
    SignupReads reads = new SignupReads(client);
    SignupStarts starts = new SignupStarts(client, ids, taskQueue, providers);
    return new Signups(
        new SignupCommands(client, reads, starts, policy, tokens, clock),
        new Suppressions(client, reads, starts, clock),
        reads);
  }
}
