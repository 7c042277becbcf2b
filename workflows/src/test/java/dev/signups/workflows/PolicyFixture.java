package dev.signups.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.signups.workflows.options.ActivityOptionsFactory;
import io.temporal.activity.ActivityOptions;
import jakarta.validation.Validation;
import java.io.IOException;
import java.io.InputStream;

/** The SendEmail options of the tests, built by the production factory from a YAML fixture. */
final class PolicyFixture {

  private PolicyFixture() {}

  static ActivityOptions sendEmail() throws IOException {
    try (InputStream yaml = PolicyFixture.class.getResourceAsStream("/send-email-policy.yml")) {
      ActivityOptionsFactory factory =
          new YAMLMapper().readValue(yaml, ActivityOptionsFactory.class);
      assertThat(Validation.buildDefaultValidatorFactory().getValidator().validate(factory))
          .isEmpty();
      return factory.build();
    }
  }
}
