package dev.signups.bench;

import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.mail.SendEmailActivityImpl;
import dev.signups.server.SignupConfiguration;
import dev.signups.server.temporal.WorkerTuningFactory;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkflowImplementationOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * B0's worker process: the same SDK, worker settings ({@code temporal.worker}), activity options
 * ({@code sendEmail}), SMTP settings and activity implementation as the application's worker, read
 * from the same {@code config.yml}, polling {@link BareSignupWorkflow#TASK_QUEUE}. B0-stock's is
 * bare Temporal untuned: the SDK's default worker options, one SMTP connection per email.
 */
final class BareWorker {

  private BareWorker() {}

  static void main(String temporalTarget, Path configFile, boolean stock) throws Exception {
    SignupConfiguration config = BenchConfig.load(configFile);
    WorkerTuningFactory tuning = config.getTemporal().getWorker();
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporalTarget).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder()
                .setNamespace(config.getTemporal().getNamespace())
                .build());
    WorkerFactory factory =
        stock
            ? WorkerFactory.newInstance(client)
            : WorkerFactory.newInstance(client, tuning.factoryOptions());
    Worker worker =
        stock
            ? factory.newWorker(BareSignupWorkflow.TASK_QUEUE)
            : factory.newWorker(BareSignupWorkflow.TASK_QUEUE, tuning.workerOptions());
    worker.registerWorkflowImplementationTypes(
        WorkflowImplementationOptions.newBuilder()
            .setActivityOptions(Map.of(SendEmailActivity.TYPE, config.getSendEmail().build()))
            .build(),
        BareSignupWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new SendEmailActivityImpl(
            config.getSmtp().build(), config.getConfirmation().links(), config.retryDelays()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  factory.shutdown();
                  factory.awaitTermination(10, TimeUnit.SECONDS);
                  stopped.countDown();
                }));
    factory.start();
    Main.ready();
    stopped.await();
  }
}
