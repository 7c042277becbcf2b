package dev.signups.server.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.uber.m3.tally.Scope;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.serviceclient.rpcretry.DefaultStubServiceOperationRpcRetryOptions;
import io.temporal.worker.WorkerFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** Where the Temporal server is and how this application uses it. */
public class TemporalFactory {

  private static final Duration CLOSE_TIMEOUT = Duration.seconds(5);

  /** The frontend's gRPC address, {@code host:port}. Default {@code localhost:7233}. */
  @NotEmpty @JsonProperty private String target = "localhost:7233";

  /** The namespace signups run in. Default {@code default}. */
  @NotEmpty @JsonProperty private String namespace = "default";

  /** The task queue the signup workflow and its activities are polled from. Default signups. */
  @NotEmpty @JsonProperty private String taskQueue = "signups";

  /**
   * How long one call to Temporal may take, retries included, before the API answers 503. Default
   * 5s.
   */
  @NotNull
  @MinDuration(value = 0, inclusive = false)
  @JsonProperty
  private Duration rpcTimeout = Duration.seconds(5);

  /**
   * On shutdown, how long running activities get to finish after the worker stops polling, before
   * they are interrupted. Default 30s.
   */
  @NotNull @JsonProperty private Duration workerShutdownGracePeriod = Duration.seconds(30);

  /** TLS, a client certificate or an API key, for a cluster that asks for them. Default none. */
  @Valid @NotNull @JsonProperty
  private ConnectionSecurityFactory security = new ConnectionSecurityFactory();

  /** How much work each worker process takes on. */
  @Valid @NotNull @JsonProperty private WorkerTuningFactory worker = new WorkerTuningFactory();

  public String getNamespace() {
    return namespace;
  }

  public String getTaskQueue() {
    return taskQueue;
  }

  public Duration getWorkerShutdownGracePeriod() {
    return workerShutdownGracePeriod;
  }

  public WorkerTuningFactory getWorker() {
    return worker;
  }

  /**
   * Builds the client the HTTP API uses: each call gives up after {@code rpcTimeout}, retries
   * included, so a request answers 503 quickly when Temporal is down. Its connection closes when
   * the application stops; it reports its metrics to {@code metrics} and encodes payloads with
   * {@code dataConverter}.
   */
  public WorkflowClient buildApiClient(
      Environment environment, Scope metrics, DataConverter dataConverter) {
    return client(
        environment,
        metrics,
        dataConverter,
        WorkflowServiceStubsOptions.newBuilder()
            .setRpcRetryOptions(
                RpcRetryOptions.newBuilder(DefaultStubServiceOperationRpcRetryOptions.INSTANCE)
                    .setExpiration(rpcTimeout.toJavaDuration())
                    .validateBuildWithDefaults())
            .setRpcTimeout(rpcTimeout.toJavaDuration())
            // The first call also asks the server for its capabilities, under a timeout of its own
            // (5s by default) that would otherwise come on top of rpcTimeout.
            .setSystemInfoTimeout(rpcTimeout.toJavaDuration()));
  }

  /**
   * Builds the worker factory, tuned as configured, with its own client. The client keeps the SDK's
   * patient retries, so a worker rides out a Temporal restart and still reports the activities it
   * finished meanwhile.
   */
  public WorkerFactory buildWorkerFactory(
      Environment environment, Scope metrics, DataConverter dataConverter) {
    WorkflowClient client =
        client(environment, metrics, dataConverter, WorkflowServiceStubsOptions.newBuilder());
    return WorkerFactory.newInstance(client, worker.factoryOptions());
  }

  private WorkflowClient client(
      Environment environment,
      Scope metrics,
      DataConverter dataConverter,
      WorkflowServiceStubsOptions.Builder options) {
    options.setTarget(target).setMetricsScope(metrics);
    security.applyTo(options);
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(options.build());
    environment
        .lifecycle()
        .manage(
            new Managed() {
              @Override
              public void stop() {
                stubs.shutdown();
                // In milliseconds: SDK 1.38 passes the count it converted to ms on with the
                // caller's unit, so 5 SECONDS would wait 5000 s for a channel that does not drain.
                if (!stubs.awaitTermination(
                    CLOSE_TIMEOUT.toMilliseconds(), TimeUnit.MILLISECONDS)) {
                  stubs.shutdownNow();
                }
              }
            });
    return WorkflowClient.newInstance(
        stubs,
        WorkflowClientOptions.newBuilder()
            .setNamespace(namespace)
            .setDataConverter(dataConverter)
            .build());
  }
}
