package dev.signups.server.cli;

import dev.signups.activities.Recipient;
import dev.signups.server.SignupConfiguration;
import dev.signups.server.core.SignupIds;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code java -jar server.jar signup-id ada@example.com config.yml}: prints the signup id of an
 * address, so an operator can find its workflow without addresses ever appearing in ids.
 */
public final class SignupIdCommand extends ConfiguredCommand<SignupConfiguration> {

  public SignupIdCommand() {
    super("signup-id", "Prints the signup (workflow) id of an email address");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("email").help("the address that signed up");
    super.configure(subparser);
  }

  @Override
  protected void run(
      Bootstrap<SignupConfiguration> bootstrap, Namespace namespace, SignupConfiguration config) {
    String email = namespace.getString("email");
    String problem = Recipient.addressProblem(email).orElse(null);
    if (problem != null) {
      throw new IllegalArgumentException("email " + problem);
    }
    System.out.println(new SignupIds(config.getSignupIdSecret()).idFor(email));
  }

  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    if (e instanceof IllegalArgumentException) {
      cli.getStdErr().println(e.getMessage());
    } else {
      ConfigErrors.report(cli, e);
    }
  }
}
