package dev.signups.server.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;

/**
 * Every metric of the process, served in Prometheus text format at {@code /prometheus} on the admin
 * port: Dropwizard's own (JVM, Jetty, Jersey, health checks) through the Prometheus client's
 * Dropwizard bridge; the Temporal SDK's client and worker metrics ({@code temporal_*}) through its
 * Micrometer reporter, which publishes its timers as histograms; and the application's ({@code
 * signups_*}), recorded with Micrometer or, in the activities, with Temporal's metrics scope.
 */
public final class PrometheusMetrics implements Managed {

  /** The path of the scrape endpoint on the admin port. */
  public static final String PATH = "/prometheus";

  /** How often the Temporal SDK's metrics are handed to Micrometer. */
  private static final com.uber.m3.util.Duration TEMPORAL_REPORT_INTERVAL =
      com.uber.m3.util.Duration.ofSeconds(2);

  private final PrometheusMeterRegistry meters;
  private final Scope temporal;

  private PrometheusMetrics(PrometheusMeterRegistry meters, Scope temporal) {
    this.meters = meters;
    this.temporal = temporal;
  }

  /** Registers the scrape endpoint on the admin port, and the metrics' lifecycle. */
  public static PrometheusMetrics serve(Environment environment) {
    PrometheusRegistry registry = new PrometheusRegistry();
    DropwizardExports.builder().dropwizardRegistry(environment.metrics()).register(registry);
    PrometheusMeterRegistry meters =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM);
    Scope temporal =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(meters))
            .reportEvery(TEMPORAL_REPORT_INTERVAL);
    environment
        .admin()
        .addServlet("prometheus", new PrometheusMetricsServlet(registry))
        .addMapping(PATH);
    PrometheusMetrics metrics = new PrometheusMetrics(meters, temporal);
    environment.lifecycle().manage(metrics);
    return metrics;
  }

  /** Where the application records its own metrics. */
  public MeterRegistry meters() {
    return meters;
  }

  /** The scope the Temporal clients report to; see {@code WorkflowServiceStubsOptions}. */
  public Scope temporal() {
    return temporal;
  }

  @Override
  public void stop() throws ScopeCloseException {
    temporal.close();
    meters.close();
  }
}
