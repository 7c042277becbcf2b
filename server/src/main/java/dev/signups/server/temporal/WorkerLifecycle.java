package dev.signups.server.temporal;

import io.dropwizard.lifecycle.Managed;
import io.dropwizard.util.Duration;
import io.temporal.worker.WorkerFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the workers with the application and stops them with it: polling stops first, running
 * activities get the grace period to finish, and only then are they interrupted. An activity cut
 * short is retried by Temporal on another worker.
 */
public final class WorkerLifecycle implements Managed {

  private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);

  private final WorkerFactory factory;
  private final Duration gracePeriod;

  public WorkerLifecycle(WorkerFactory factory, Duration gracePeriod) {
    this.factory = factory;
    this.gracePeriod = gracePeriod;
  }

  @Override
  public void start() {
    factory.start();
  }

  @Override
  public void stop() {
    log.info("Stopping workers: no new tasks, up to {} for running ones", gracePeriod);
    factory.shutdown();
    factory.awaitTermination(gracePeriod.toMilliseconds(), TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      log.warn("Workers still busy after {}; interrupting them", gracePeriod);
      factory.shutdownNow();
      factory.awaitTermination(5_000, TimeUnit.MILLISECONDS);
    }
  }
}
