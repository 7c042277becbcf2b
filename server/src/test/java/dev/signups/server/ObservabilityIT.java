package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.EveryOutcome;
import dev.signups.server.testing.RealServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees of a run with a confirmed signup, one retried after a 451 and one rejected
 * with a 550 that echoes the address: the metrics at {@code :admin/prometheus}, and JSON logs that
 * carry the workflow and activity of each line and no address, name or token.
 */
class ObservabilityIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final ObjectMapper json = new ObjectMapper();

  @RegisterExtension static final RealServers servers = new RealServers();

  private static AppProcess app;
  private static EveryOutcome signups;

  @BeforeAll
  static void runSignupsThroughEveryOutcome() throws Exception {
    app = servers.startApp(Map.of("logging.appenders[0].layout.type", "json"));
    signups = EveryOutcome.run(app, servers.smtp(), PATIENCE);
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @Test
  void shouldExposeTheSdkAndTheApplicationMetricsToPrometheus() throws Exception {
    List<String> expected =
        List.of(
            "# TYPE temporal_request_total counter",
            "temporal_activity_schedule_to_start_latency_seconds_bucket\\{",
            "io_dropwizard_jetty_MutableServletContextHandler_requests",
            "signups_requests_total\\{outcome=\"accepted\"} 3\\.0",
            "signups_confirmations_total\\{outcome=\"confirmed\"} 1\\.0",
            "signups_emails_total\\{[^}]*email=\"confirmation\"[^}]*failure=\"none\"[^}]*"
                + "result=\"sent\"[^}]*smtp_reply=\"2xx\"[^}]*} 2\\.0",
            "signups_emails_total\\{[^}]*email=\"welcome\"[^}]*result=\"sent\"[^}]*} 1\\.0",
            "signups_emails_total\\{[^}]*failure=\"TransientEmailFailure\"[^}]*"
                + "smtp_reply=\"4xx\"[^}]*} 1\\.0",
            "signups_emails_total\\{[^}]*failure=\"PermanentEmailFailure\"[^}]*"
                + "smtp_reply=\"5xx\"[^}]*} 1\\.0",
            "signups_email_send_latency_seconds_bucket\\{");

    String metrics = awaitMetrics(expected);

    for (String pattern : expected) {
      assertThat(metrics).containsPattern(pattern);
    }
    assertThat(app.admin("/healthcheck")).contains("\"worker\":{\"healthy\":true");
  }

  @Test
  void shouldLogJsonLinesWithTheirWorkflowAndNoPersonalData() throws Exception {
    String output = app.output();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.lines().toList()) {
      if (line.startsWith("{")) {
        lines.add(json.readTree(line));
      }
    }

    assertThat(lines).isNotEmpty();
    assertThat(lines)
        .as("a line logged inside a workflow names it")
        .anySatisfy(
            line -> {
              assertThat(line.at("/mdc/WorkflowId").asText()).startsWith("signup-");
              assertThat(line.at("/mdc/RunId").asText()).isNotEmpty();
            });
    for (String personal : signups.personalData()) {
      assertThat(output).as("the log holds no %s", personal).doesNotContainIgnoringCase(personal);
    }
  }

  /**
   * The scrape once every pattern matches: the Temporal SDK hands its metrics, the activities'
   * included, to Micrometer every couple of seconds.
   */
  private static String awaitMetrics(List<String> patterns) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    String metrics = app.admin("/prometheus");
    while (!allMatch(patterns, metrics) && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      metrics = app.admin("/prometheus");
    }
    return metrics;
  }

  private static boolean allMatch(List<String> patterns, String metrics) {
    return patterns.stream().allMatch(p -> Pattern.compile(p).matcher(metrics).find());
  }
}
