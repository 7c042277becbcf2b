package dev.signups.server.tasks;

import dev.signups.activities.Recipient;
import dev.signups.server.core.SignupIds;
import io.dropwizard.servlets.tasks.Task;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST :8081/tasks/signup-id?email=ada@example.com} on the admin port: prints the signup id
 * of an address. The public API never maps addresses to ids on request.
 */
public final class SignupIdTask extends Task {

  private final SignupIds ids;

  public SignupIdTask(SignupIds ids) {
    super("signup-id");
    this.ids = ids;
  }

  @Override
  public void execute(Map<String, List<String>> parameters, PrintWriter output) {
    List<String> emails = parameters.getOrDefault("email", List.of());
    if (emails.isEmpty()) {
      output.println("pass the address as ?email=...");
      return;
    }
    for (String email : emails) {
      output.println(
          Recipient.addressProblem(email)
              .map(problem -> email + ": email " + problem)
              .orElseGet(() -> ids.idFor(email)));
    }
  }
}
