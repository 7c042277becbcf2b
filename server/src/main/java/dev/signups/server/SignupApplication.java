package dev.signups.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.signups.activities.links.ConfirmationLinks;
import dev.signups.activities.mail.SendEmailActivityImpl;
import dev.signups.activities.mail.SmtpEmailSender;
import dev.signups.server.SignupConfiguration.Role;
import dev.signups.server.cli.ConfigErrors;
import dev.signups.server.cli.SignupIdCommand;
import dev.signups.server.confirm.ConfirmationFactory;
import dev.signups.server.core.SignupIds;
import dev.signups.server.core.Signups;
import dev.signups.server.crypto.PayloadEncryptionFactory;
import dev.signups.server.health.SmtpHealthCheck;
import dev.signups.server.health.TemporalHealthCheck;
import dev.signups.server.health.WorkerHealthCheck;
import dev.signups.server.metrics.PrometheusMetrics;
import dev.signups.server.resources.BounceResource;
import dev.signups.server.resources.ConfirmationResource;
import dev.signups.server.resources.JsonErrorMapper;
import dev.signups.server.resources.RequestBodyFilter;
import dev.signups.server.resources.SignupAdminResource;
import dev.signups.server.resources.SignupOutcomeMetrics;
import dev.signups.server.resources.SignupResource;
import dev.signups.server.resources.TemporalUnavailableMapper;
import dev.signups.server.resources.UnreadablePayloadMapper;
import dev.signups.server.tasks.SignupIdTask;
import dev.signups.server.temporal.SearchAttributesCheck;
import dev.signups.server.temporal.TemporalFactory;
import dev.signups.server.temporal.WorkerLifecycle;
import dev.signups.workflows.SignupWorkflows;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.dropwizard.util.DataSize;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Clock;
import net.sourceforge.argparse4j.inf.Namespace;

/** The signup service: the HTTP API, and a Temporal worker that runs the signup workflows. */
public class SignupApplication extends Application<SignupConfiguration> {

  public static void main(String[] args) throws Exception {
    new SignupApplication().run(args);
  }

  @Override
  public String getName() {
    return "signups";
  }

  @Override
  protected void addDefaultCommands(Bootstrap<SignupConfiguration> bootstrap) {
    bootstrap.addCommand(
        new ServerCommand<>(this) {
          @Override
          public void onError(Cli cli, Namespace namespace, Throwable e) {
            ConfigErrors.report(cli, e);
          }
        });
    bootstrap.addCommand(
        new CheckCommand<>(this) {
          @Override
          public void onError(Cli cli, Namespace namespace, Throwable e) {
            ConfigErrors.report(cli, e);
          }
        });
  }

  @Override
  public void initialize(Bootstrap<SignupConfiguration> bootstrap) {
    bootstrap.addCommand(new SignupIdCommand());
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    configureObjectMapper(bootstrap.getObjectMapper());
  }

  /**
   * Applies the JSON rules of the API (and of the configuration file) to {@code mapper}: unknown
   * and repeated fields are refused, numbers and booleans are not accepted as strings, and dates
   * are written as ISO-8601 strings.
   */
  public static ObjectMapper configureObjectMapper(ObjectMapper mapper) {
    mapper
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    return mapper;
  }

  @Override
  public void run(SignupConfiguration config, Environment environment) {
    TemporalFactory temporal = config.getTemporal();
    PrometheusMetrics metrics = PrometheusMetrics.serve(environment);
    PayloadEncryptionFactory encryption = config.getPayloadEncryption();
    DataConverter dataConverter = encryption.dataConverter();
    WorkflowClient client = temporal.buildApiClient(environment, metrics.temporal(), dataConverter);
    config.getCodecServer().serve(environment, encryption.codec(), temporal.getNamespace());
    environment
        .healthChecks()
        .register(
            "temporal",
            new TemporalHealthCheck(client.getWorkflowServiceStubs(), temporal.getNamespace()));
    if (config.getRoles().contains(Role.WORKER)) {
      runWorker(config, environment, metrics, dataConverter);
    }
    if (config.getRoles().contains(Role.API)) {
      runApi(config, environment, client, metrics.meters());
    }
  }

  /**
   * Registers the HTTP APIs: on the application port {@code POST /signups} and the confirmation
   * pages; on the admin port the operators' API (one signup's state, the listing by status, the
   * re-drive), which also names the missing key of a signup it cannot decrypt. {@link #run} calls
   * it with collaborators built from the configuration; tests call it with their own.
   */
  public static void registerApis(Environment environment, Signups signups, ApiSettings settings) {
    JerseyEnvironment api = environment.jersey();
    api.register(new SignupResource(signups.commands(), settings.limits()));
    api.register(
        new ConfirmationResource(
            signups.commands(), settings.oneClickConfirmation(), settings.meters()));
    api.register(new SignupOutcomeMetrics(settings.meters()));
    registerCommon(api, settings.maxRequestBodySize());
    JerseyEnvironment admin = AdminJersey.serve(environment, "/signups/*");
    admin.register(new SignupAdminResource(signups));
    admin.register(new UnreadablePayloadMapper());
    registerCommon(admin, settings.maxRequestBodySize());
    JerseyEnvironment bounces = AdminJersey.serve(environment, "/bounces/*");
    bounces.register(new BounceResource(signups.suppressions()));
    registerCommon(bounces, settings.maxRequestBodySize());
  }

  private static void registerCommon(JerseyEnvironment jersey, DataSize maxRequestBodySize) {
    jersey.register(new RequestBodyFilter(maxRequestBodySize.toBytes()));
    jersey.register(new JsonErrorMapper());
    jersey.register(new TemporalUnavailableMapper());
  }

  /** Polls the task queue: runs signup workflows and sends their email. */
  private static void runWorker(
      SignupConfiguration config,
      Environment environment,
      PrometheusMetrics metrics,
      DataConverter dataConverter) {
    TemporalFactory temporal = config.getTemporal();
    SmtpEmailSender sender = config.getSmtp().build(environment);
    WorkerFactory workers =
        temporal.buildWorkerFactory(environment, metrics.temporal(), dataConverter);
    WorkflowServiceStubs connection = workers.getWorkflowClient().getWorkflowServiceStubs();
    Worker worker =
        workers.newWorker(temporal.getTaskQueue(), temporal.getWorker().workerOptions());
    SignupWorkflows.register(worker, config.activityOptions());
    ConfirmationLinks links = config.getConfirmation().links();
    SendEmailActivityImpl emails = new SendEmailActivityImpl(sender, links, config.retryDelays());
    worker.registerActivitiesImplementations(emails, links);
    config
        .providerQueues()
        .ratesByQueue()
        .forEach(
            (queue, rate) ->
                workers
                    .newWorker(
                        queue,
                        WorkerOptions.newBuilder(temporal.getWorker().workerOptions())
                            .setMaxTaskQueueActivitiesPerSecond(rate)
                            .build())
                    .registerActivitiesImplementations(emails));
    environment.lifecycle().manage(new SearchAttributesCheck(connection, temporal.getNamespace()));
    environment
        .lifecycle()
        .manage(new WorkerLifecycle(workers, temporal.getWorkerShutdownGracePeriod()));
    environment.healthChecks().register("worker", new WorkerHealthCheck(workers, worker));
    environment
        .healthChecks()
        .register(
            "smtp",
            new SmtpHealthCheck(
                sender,
                config.getSmtp().getHealthCheckCacheFor().toJavaDuration(),
                Clock.systemUTC()));
  }

  /** Serves the HTTP API, which starts and reads signups through {@code client}. */
  private static void runApi(
      SignupConfiguration config,
      Environment environment,
      WorkflowClient client,
      MeterRegistry meters) {
    SignupIds ids = new SignupIds(config.getSignupIdSecret());
    ConfirmationFactory confirmation = config.getConfirmation();
    Signups signups =
        Signups.on(
            client,
            ids,
            config.getTemporal().getTaskQueue(),
            config.providerQueues(),
            confirmation.policy(),
            confirmation.tokens(),
            Clock.systemUTC());
    environment.admin().addTask(new SignupIdTask(ids));
    registerApis(
        environment,
        signups,
        new ApiSettings(
            config.getRateLimits().build(),
            confirmation.isOneClick(),
            config.getMaxRequestBodySize(),
            meters));
  }
}
