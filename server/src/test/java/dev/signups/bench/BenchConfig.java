package dev.signups.bench;

import dev.signups.server.SignupApplication;
import dev.signups.server.SignupConfiguration;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads {@code server/config.yml} the way the application does ({@code ${VAR:-default}} from the
 * environment, {@code -Ddw.} overrides, validation), so that the benchmark's own workers take the
 * same SMTP, timeout, retry and worker settings as the application's.
 */
final class BenchConfig {

  private BenchConfig() {}

  static SignupConfiguration load(Path file) throws IOException, ConfigurationException {
    return new YamlConfigurationFactory<>(
            SignupConfiguration.class,
            Validators.newValidator(),
            SignupApplication.configureObjectMapper(Jackson.newObjectMapper()),
            "dw")
        .build(
            new SubstitutingSourceProvider(
                new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
            file.toString());
  }
}
