package dev.signups.server.testing;

import com.google.protobuf.CodedOutputStream;
import dev.signups.activities.testing.Ports;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Temporal server, {@code temporal server start-dev}, on free loopback ports with its SQLite
 * database in a temporary directory and the signup search attributes registered. The CLI comes from
 * the {@code temporal.cli} system property, which the build points at the copy {@code
 * scripts/install-tools} installs.
 */
public final class TemporalDevServer implements AutoCloseable {

  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final List<String> command;
  private final int port;
  private final Path directory;
  private Process process;

  private TemporalDevServer(List<String> command, int port, Path directory) {
    this.command = command;
    this.port = port;
    this.directory = directory;
  }

  /** Starts a dev server and returns once its {@code default} namespace answers. */
  public static TemporalDevServer start() throws IOException, InterruptedException {
    String cli = System.getProperty("temporal.cli");
    if (cli == null || !Files.isExecutable(Path.of(cli))) {
      throw new IllegalStateException(
          "No Temporal CLI at temporal.cli=" + cli + "; run scripts/install-tools temporal");
    }
    Path directory = Files.createTempDirectory("temporal-dev-");
    int port = Ports.free();
    List<String> command =
        List.of(
            cli,
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--http-port",
            Integer.toString(Ports.free()),
            "--metrics-port",
            Integer.toString(Ports.free()),
            "--headless",
            "--search-attribute",
            "SignupStatus=Keyword",
            "--search-attribute",
            "SignupAttempts=Int",
            "--db-filename",
            directory.resolve("temporal.db").toString(),
            "--log-level",
            "error");
    TemporalDevServer server = new TemporalDevServer(command, port, directory);
    server.restart();
    return server;
  }

  /** Kills the server with SIGKILL, as a crash would: nothing is flushed or closed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /**
   * Starts the server again on the same port and database file, and returns once it answers.
   *
   * @return how long it took to answer
   */
  public Duration restart() throws IOException, InterruptedException {
    Instant start = Instant.now();
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(directory.resolve("temporal.log").toFile()))
            .start();
    awaitReady();
    return Duration.between(start, Instant.now());
  }

  /** The frontend's address, {@code 127.0.0.1:port}. */
  public String target() {
    return "127.0.0.1:" + port;
  }

  /**
   * Whether the namespace of {@code client} has a workflow {@code workflowId}, asked directly
   * rather than through the visibility store, which trails the workflows.
   */
  public static boolean exists(WorkflowClient client, String workflowId) {
    try {
      client
          .getWorkflowServiceStubs()
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** The events of the latest run of workflow {@code workflowId}, oldest first. */
  public List<HistoryEvent> history(String workflowId) {
    WorkflowServiceStubs stubs = stubs();
    try {
      return WorkflowClient.newInstance(stubs).fetchHistory(workflowId).getEvents();
    } finally {
      stubs.shutdownNow();
    }
  }

  /**
   * The history of the latest run of {@code workflowId}, serialised as {@link #historyBytes} does,
   * once it has settled: no workflow task is scheduled or running, and it reads the same three
   * times, 500 ms apart, as a signup waiting on a timer does.
   *
   * @throws AssertionError when it has not settled within {@code patience}
   */
  public byte[] settledHistory(String workflowId, Duration patience) throws InterruptedException {
    Instant deadline = Instant.now().plus(patience);
    byte[] last = null;
    int same = 0;
    while (Instant.now().isBefore(deadline)) {
      List<HistoryEvent> events = history(workflowId);
      byte[] current = serialise(events);
      EventType latest = events.get(events.size() - 1).getEventType();
      boolean busy =
          latest == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
              || latest == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
      same = !busy && Arrays.equals(current, last) ? same + 1 : 0;
      if (same == 2) {
        return current;
      }
      last = current;
      Thread.sleep(500);
    }
    throw new AssertionError("The history of " + workflowId + " did not settle in " + patience);
  }

  /**
   * The history of the latest run of {@code workflowId} serialised deterministically: its map
   * fields (search attributes, memos, headers) by key, since the server writes them in any order.
   */
  public byte[] historyBytes(String workflowId) {
    return serialise(history(workflowId));
  }

  private static byte[] serialise(List<HistoryEvent> events) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      History.newBuilder().addAllEvents(events).build().writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private WorkflowServiceStubs stubs() {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
  }

  private void awaitReady() throws InterruptedException, IOException {
    WorkflowServiceStubs stubs = stubs();
    try {
      Instant deadline = Instant.now().plus(STARTUP);
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("Temporal dev server exited: " + log());
        }
        try {
          stubs
              .blockingStub()
              .withDeadlineAfter(1, TimeUnit.SECONDS)
              .describeNamespace(
                  DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
          return;
        } catch (RuntimeException notYet) {
          Thread.sleep(200);
        }
      }
      throw new IllegalStateException("Temporal dev server not ready in " + STARTUP + ": " + log());
    } finally {
      stubs.shutdownNow();
    }
  }

  private String log() throws IOException {
    return Files.readString(directory.resolve("temporal.log"));
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (var files = Files.walk(directory)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
    }
  }
}
