package dev.signups.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.Recipient;
import dev.signups.workflows.options.CrossChecked;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code POST /signups}.
 *
 * @param email the address to confirm
 * @param name how to greet its owner
 */
@CrossChecked
public record SignupRequest(@JsonProperty("email") String email, @JsonProperty("name") String name)
    implements CrossChecked.Checkable {

  @Override
  public Map<String, String> crossFieldViolations() {
    Map<String, String> violations = new LinkedHashMap<>();
    Recipient.addressProblem(email).ifPresent(problem -> violations.put("email", problem));
    Recipient.nameProblem(name).ifPresent(problem -> violations.put("name", problem));
    return violations;
  }
}
