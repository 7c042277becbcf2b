package dev.signups.server.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Every metric of the process, served in Prometheus text format at {@code /prometheus} on the admin
 * port: Dropwizard's own (JVM, Jetty, Jersey, health checks) through the Prometheus client's
 * Dropwizard bridge; the Temporal SDK's client and worker metrics ({@code temporal_*}) through its
 * Micrometer reporter; and the application's ({@code signups_*}), recorded with Micrometer.
 */
public final class PrometheusMetrics implements Managed {

  /** The path of the scrape endpoint on the admin port. */
  public static final String PATH = "/prometheus";

  /** How often the Temporal SDK's metrics are handed to Micrometer. */
  private static final com.uber.m3.util.Duration TEMPORAL_REPORT_INTERVAL =
      com.uber.m3.util.Duration.ofSeconds(2);

  /**
   * The latencies that alerts and dashboards read as histograms: the time an email took to send,
   * and how long activity and workflow tasks waited for a worker (schedule-to-start), the sign of
   * too few workers.
   */
  private static final List<String> HISTOGRAMS =
      List.of(
          "signups_email_send_latency",
          "temporal_activity_schedule_to_start_latency",
          "temporal_workflow_task_schedule_to_start_latency");

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

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
    meters.config().meterFilter(latencyHistograms());
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

  private static MeterFilter latencyHistograms() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!HISTOGRAMS.contains(id.getName())) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(
                Arrays.stream(LATENCY_BUCKETS).mapToDouble(d -> d.toNanos()).toArray())
            .build()
            .merge(config);
      }
    };
  }
}
