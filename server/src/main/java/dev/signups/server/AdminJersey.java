package dev.signups.server;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.core.setup.ExceptionMapperBinder;
import io.dropwizard.jersey.DropwizardResourceConfig;
import io.dropwizard.jersey.jackson.JacksonFeature;
import io.dropwizard.jersey.setup.JerseyContainerHolder;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.dropwizard.jersey.setup.JerseyServletContainer;
import io.dropwizard.jersey.validation.HibernateValidationBinder;

/**
 * A second Jersey, served on the admin port, for the operators' API: configured as Dropwizard
 * configures the application's own (its object mapper, validator and exception mappers), so
 * resources behave the same on either port.
 */
public final class AdminJersey {

  private AdminJersey() {}

  /**
   * Serves a new Jersey under {@code urlPattern} of the admin port, and returns it to register on.
   */
  public static JerseyEnvironment serve(Environment environment, String urlPattern) {
    DropwizardResourceConfig config = new DropwizardResourceConfig(environment.metrics());
    JerseyServletContainer container = new JerseyServletContainer(config);
    JerseyEnvironment jersey = new JerseyEnvironment(new JerseyContainerHolder(container), config);
    jersey.register(new JacksonFeature(environment.getObjectMapper()));
    jersey.register(new HibernateValidationBinder(environment.getValidator()));
    jersey.register(new ExceptionMapperBinder(false));
    environment.admin().addServlet("jersey " + urlPattern, container).addMapping(urlPattern);
    return jersey;
  }
}
