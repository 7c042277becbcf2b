package dev.signups.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Where the time goes: P's worker's own metrics, and the shape of one signup's history. */
final class Diagnostics {

  private Diagnostics() {}

  /**
   * A line of P's worker metrics over the whole run, from the text of its {@code /prometheus}: the
   * mean time workflow and activity tasks waited in their task queue (schedule-to-start: a worker
   * or a server too slow to hand them out) and took to run, the SMTP send's share, and how often
   * the sticky cache had to evict a workflow (which then replays its history on its next task).
   */
  static String workerMetrics(String prometheus) {
    Map<String, Double> totals = new HashMap<>();
    for (String line : prometheus.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
      int valueStart = line.lastIndexOf(' ');
      if (nameEnd <= 0 || valueStart <= nameEnd) {
        continue;
      }
      try {
        totals.merge(
            line.substring(0, nameEnd),
            Double.parseDouble(line.substring(valueStart + 1)),
            Double::sum);
      } catch (NumberFormatException e) {
        // Not a sample line.
      }
    }
    return String.format(
        Locale.ROOT,
        "workflow tasks: %s queued, %s run; activities: %s queued, %s run (SMTP send %s);"
            + " sticky cache forced evictions %s, workflow task replays %s",
        meanMillis(totals, "temporal_workflow_task_schedule_to_start_latency_seconds"),
        meanMillis(totals, "temporal_workflow_task_execution_latency_seconds"),
        meanMillis(totals, "temporal_activity_schedule_to_start_latency_seconds"),
        meanMillis(totals, "temporal_activity_execution_latency_seconds"),
        meanMillis(totals, "signups_email_send_latency_seconds"),
        count(totals, "temporal_sticky_cache_total_forced_eviction_total"),
        count(totals, "temporal_workflow_task_replay_latency_seconds_count"));
  }

  private static String meanMillis(Map<String, Double> totals, String histogram) {
    Double sum = totals.get(histogram + "_sum");
    Double count = totals.get(histogram + "_count");
    return sum == null || count == null || count == 0
        ? "?"
        : String.format(Locale.ROOT, "%.1f ms mean", sum / count * 1000);
  }

  private static String count(Map<String, Double> totals, String name) {
    Double value = totals.get(name);
    return value == null ? "0" : String.format(Locale.ROOT, "%.0f", value);
  }

  /** "N events, M workflow tasks" of the history of {@code workflowId} as it stands. */
  static String historyShape(String target, String namespace, String workflowId) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    try {
      List<HistoryEvent> events =
          WorkflowClient.newInstance(
                  stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build())
              .fetchHistory(workflowId)
              .getEvents();
      long tasks =
          events.stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
              .count();
      return events.size() + " events, " + tasks + " workflow tasks";
    } catch (RuntimeException e) {
      return "? (" + e.getMessage() + ")";
    } finally {
      stubs.shutdownNow();
    }
  }
}
