package dev.signups.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.Recipient;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;

/**
 * The body of {@code POST /signups}.
 *
 * @param email the address to confirm, valid as {@link Recipient#addressProblem} defines it
 * @param name how to greet its owner, valid as {@link Recipient#nameProblem} defines it
 */
@SelfValidating
public record SignupRequest(
    @JsonProperty("email") String email, @JsonProperty("name") String name) {

  /**
   * Reports each field's problem. Dropwizard answers a self-validation's message as it is, so each
   * message starts with its field.
   */
  @SelfValidation
  public void validate(ViolationCollector violations) {
    Recipient.addressProblem(email)
        .ifPresent(problem -> violations.addViolation("email", "email " + problem));
    Recipient.nameProblem(name)
        .ifPresent(problem -> violations.addViolation("name", "name " + problem));
  }
}
