package dev.signups.server.health;

import com.codahale.metrics.health.HealthCheck;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;

/**
 * Healthy while the worker polls its task queue: started, not shutting down, its pollers not
 * suspended. A worker that stopped polling sends no email, whatever else is up.
 */
public final class WorkerHealthCheck extends HealthCheck {

  private final WorkerFactory factory;
  private final Worker worker;

  public WorkerHealthCheck(WorkerFactory factory, Worker worker) {
    this.factory = factory;
    this.worker = worker;
  }

  @Override
  protected Result check() {
    if (!factory.isStarted()) {
      return Result.unhealthy("worker not started");
    }
    if (factory.isShutdown()) {
      return Result.unhealthy("worker shutting down");
    }
    if (worker.isSuspended()) {
      return Result.unhealthy("worker's pollers suspended");
    }
    return Result.healthy("polling task queue %s", worker.getTaskQueue());
  }
}
