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
      int labels = line.indexOf('{');
      int nameEnd = labels >= 0 ? labels : line.indexOf(' ');
      int valueStart = line.lastIndexOf(' ');
      if (nameEnd <= 0 || valueStart <= nameEnd) {
        continue;
      }
      String name = line.substring(0, nameEnd);
      String queue = label(line, "task_queue");
      try {
        double value = Double.parseDouble(line.substring(valueStart + 1));
        totals.merge(name, value, Double::sum);
        if (queue != null) {
          totals.merge(name + "@" + queue, value, Double::sum);
        }
      } catch (NumberFormatException e) {
        // Not a sample line.
      }
    }
    return String.format(
        Locale.ROOT,
        "%s workflow tasks, %s from the sticky cache; workflow tasks queued %s (first, from the"
            + " task queue: %s; later, sticky: %s), run %s; activities queued %s, run %s (SMTP"
            + " send %s); sticky cache forced evictions %s",
        count(totals, "temporal_workflow_task_execution_latency_seconds_count"),
        count(totals, "temporal_sticky_cache_hit_total"),
        meanMillis(totals, "temporal_workflow_task_schedule_to_start_latency_seconds", ""),
        meanMillis(totals, "temporal_workflow_task_schedule_to_start_latency_seconds", "@signups"),
        meanMillis(
            totals, "temporal_workflow_task_schedule_to_start_latency_seconds", "@signups:sticky"),
        meanMillis(totals, "temporal_workflow_task_execution_latency_seconds", ""),
        meanMillis(totals, "temporal_activity_schedule_to_start_latency_seconds", ""),
        meanMillis(totals, "temporal_activity_execution_latency_seconds", ""),
        meanMillis(totals, "signups_email_send_latency_seconds", ""),
        count(totals, "temporal_sticky_cache_total_forced_eviction_total"));
  }

  /** The value of label {@code name} of a sample line, or null. */
  private static String label(String line, String name) {
    int start = line.indexOf(name + "=\"");
    if (start < 0) {
      return null;
    }
    start += name.length() + 2;
    int end = line.indexOf('"', start);
    return end < 0 ? null : line.substring(start, end);
  }

  /** The mean of {@code histogram} in ms, over the samples of {@code queue} ("@name") or all. */
  private static String meanMillis(Map<String, Double> totals, String histogram, String queue) {
    Double sum = totals.get(histogram + "_sum" + queue);
    Double count = totals.get(histogram + "_count" + queue);
    return sum == null || count == null || count == 0
        ? "?"
        : String.format(Locale.ROOT, "%.1f ms", sum / count * 1000);
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
