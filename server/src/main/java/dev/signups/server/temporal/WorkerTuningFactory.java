package dev.signups.server.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import jakarta.validation.constraints.Min;

/**
 * How much work one worker process takes on. The defaults suit a small machine (2 cores, a few
 * hundred MB of heap); raise them on bigger ones, or run more worker processes.
 */
@SelfValidating
public class WorkerTuningFactory {

  /**
   * Activity tasks run at once: emails being sent, each holding a thread and an SMTP connection
   * while it waits on the server. Default 50; at least 1.
   */
  @Min(1)
  @JsonProperty
  private int maxConcurrentActivities = 50;

  /**
   * Workflow tasks run at once. They are short bursts of CPU; more than a few per core only queue.
   * Default 10; at least 1.
   */
  @Min(1)
  @JsonProperty
  private int maxConcurrentWorkflowTasks = 10;

  /** Local activities run at once (the link digests). Default 10; at least 1. */
  @Min(1)
  @JsonProperty
  private int maxConcurrentLocalActivities = 10;

  /** Long polls held open for activity tasks. Default 2; at least 1. */
  @Min(1)
  @JsonProperty
  private int activityPollers = 2;

  /** Long polls held open for workflow tasks. Default 2; at least 2 (sticky and normal queue). */
  @Min(2)
  @JsonProperty
  private int workflowTaskPollers = 2;

  /**
   * Signups whose workflow state stays cached between tasks (the sticky cache), so their next task
   * needs no replay of the history. Each holds a thread while its signup waits. Default 300; at
   * least 1.
   */
  @Min(1)
  @JsonProperty
  private int stickyCacheSize = 300;

  /**
   * Whether activities (the emails) run on virtual threads instead of a pool of platform threads.
   * Needs Java 21 or later. Default false: the benchmark found no gain on either side
   * (docs/performance.md).
   */
  @JsonProperty private boolean virtualThreads = false;

  @SelfValidation
  public void validateVirtualThreads(ViolationCollector violations) {
    if (virtualThreads && Runtime.version().feature() < 21) {
      violations.addViolation(
          "virtualThreads", "needs Java 21 or later; this is Java " + Runtime.version().feature());
    }
  }

  public WorkerOptions workerOptions() {
    return WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(maxConcurrentActivities)
        .setMaxConcurrentWorkflowTaskExecutionSize(maxConcurrentWorkflowTasks)
        .setMaxConcurrentLocalActivityExecutionSize(maxConcurrentLocalActivities)
        .setMaxConcurrentActivityTaskPollers(activityPollers)
        .setMaxConcurrentWorkflowTaskPollers(workflowTaskPollers)
        .setUsingVirtualThreadsOnActivityWorker(virtualThreads)
        .build();
  }

  public WorkerFactoryOptions factoryOptions() {
    return WorkerFactoryOptions.newBuilder()
        .setWorkflowCacheSize(stickyCacheSize)
        .setMaxWorkflowThreadCount(stickyCacheSize + maxConcurrentWorkflowTasks)
        .build();
  }
}
