package dev.signups.server.cli;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.core.cli.Cli;
import java.io.FileNotFoundException;

/**
 * Reports a configuration mistake as its message alone: it names the key, a stack trace would not.
 */
public final class ConfigErrors {

  private ConfigErrors() {}

  /**
   * Prints {@code e} to the command line's error stream, without a stack trace if it is a user's.
   */
  public static void report(Cli cli, Throwable e) {
    if (e instanceof ConfigurationException || e instanceof FileNotFoundException) {
      cli.getStdErr().println(e.getMessage().strip());
    } else {
      e.printStackTrace(cli.getStdErr());
    }
  }
}
