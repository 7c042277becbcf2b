package dev.signups.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.signups.workflows.options.ActivityOptionsFactory;
import io.temporal.activity.ActivityOptions;
import io.temporal.worker.Worker;
import jakarta.validation.Validation;
import java.io.IOException;
import java.io.InputStream;

/** The activity options of the tests, built by the production factory from YAML fixtures. */
final class PolicyFixture {

  private PolicyFixture() {}

  static ActivityOptions sendEmail() throws IOException {
    return load("/send-email-policy.yml");
  }

  static ActivityOptions sendWelcomeEmail() throws IOException {
    return load("/send-welcome-email-policy.yml");
  }

  /** Registers the signup workflow on {@code worker} with the fixtures' options. */
  static void register(Worker worker) throws IOException {
    SignupWorkflows.register(worker, sendEmail(), sendWelcomeEmail());
  }

  private static ActivityOptions load(String resource) throws IOException {
    try (InputStream yaml = PolicyFixture.class.getResourceAsStream(resource)) {
      ActivityOptionsFactory factory =
          new YAMLMapper().readValue(yaml, ActivityOptionsFactory.class);
      assertThat(Validation.buildDefaultValidatorFactory().getValidator().validate(factory))
          .isEmpty();
      return factory.build();
    }
  }
}
