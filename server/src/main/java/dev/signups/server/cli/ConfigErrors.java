package dev.signups.server.cli;

import dev.signups.server.temporal.StartupCheckException;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.core.cli.Cli;
import java.io.FileNotFoundException;

/**
 * Reports a configuration mistake or an unready environment as its message alone: it names the key
 * or the fix, where a stack trace would not.
 */
public final class ConfigErrors {

  private ConfigErrors() {}

  /**
   * Prints {@code e} to the command line's error stream, without a stack trace if it is a user's.
   */
  public static void report(Cli cli, Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof StartupCheckException)) {
      cause = cause.getCause();
    }
    if (cause instanceof StartupCheckException) {
      cli.getStdErr().println(cause.getMessage());
    } else if (e instanceof ConfigurationException || e instanceof FileNotFoundException) {
      cli.getStdErr().println(e.getMessage().strip());
    } else {
      e.printStackTrace(cli.getStdErr());
    }
  }
}
