package dev.signups.server.temporal;

import io.temporal.worker.WorkerFactoryOptions;

/**
 * The worker factory options the application builds from {@code temporal.worker}, for the
 * benchmark's bare worker, which must run under exactly the application's settings: {@link
 * WorkerTuningFactory#factoryOptions()} is package-private.
 */
public final class WorkerTuningOptions {

  private WorkerTuningOptions() {}

  public static WorkerFactoryOptions factoryOptions(WorkerTuningFactory tuning) {
    return tuning.factoryOptions();
  }
}
