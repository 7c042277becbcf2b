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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Temporal server, {@code temporal server start-dev}, on free loopback ports with its SQLite
 * database in a temporary directory and the signup search attributes registered; headless, or with
 * its Web UI. The CLI comes from the {@code temporal.cli} system property, which the build points
 * at the copy {@code scripts/install-tools} installs.
 */
public final class TemporalDevServer implements TemporalServer, AutoCloseable {

  private static final Duration STARTUP = Duration.ofSeconds(60);

  private static final String DATABASE = "temporal.db";

  private final String cli;
  private final List<String> command;
  private final int port;
  private final int uiPort;
  private final Path directory;
  private URI codecEndpoint;
  private Process process;

  private TemporalDevServer(
      String cli, List<String> command, int port, int uiPort, URI codecEndpoint, Path directory) {
    this.cli = cli;
    this.command = command;
    this.port = port;
    this.uiPort = uiPort;
    this.codecEndpoint = codecEndpoint;
    this.directory = directory;
  }

  /** Starts a headless dev server and returns once its {@code default} namespace answers. */
  public static TemporalDevServer start() throws IOException, InterruptedException {
    return start(0, null);
  }

  /**
   * Starts a dev server with its Web UI on a free port, the UI decoding payloads through {@code
   * codecEndpoint} (which need not answer yet), and returns once the namespace and the UI answer.
   */
  public static TemporalDevServer startWithWebUi(URI codecEndpoint)
      throws IOException, InterruptedException {
    return start(Ports.free(), codecEndpoint);
  }

  private static TemporalDevServer start(int uiPort, URI codecEndpoint)
      throws IOException, InterruptedException {
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
            "--search-attribute",
            "SignupStatus=Keyword",
            "--search-attribute",
            "SignupAttempts=Int",
            "--db-filename",
            directory.resolve(DATABASE).toString(),
            "--log-level",
            "error");
    TemporalDevServer server =
        new TemporalDevServer(cli, command, port, uiPort, codecEndpoint, directory);
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
    List<String> arguments = new ArrayList<>(command);
    if (uiPort == 0) {
      arguments.add("--headless");
    } else {
      arguments.addAll(List.of("--ui-port", Integer.toString(uiPort)));
    }
    if (codecEndpoint != null) {
      arguments.addAll(List.of("--ui-codec-endpoint", codecEndpoint.toString()));
    }
    process =
        new ProcessBuilder(arguments)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(directory.resolve("temporal.log").toFile()))
            .start();
    awaitReady();
    return Duration.between(start, Instant.now());
  }

  @Override
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

  /** The Web UI's address, {@code http://127.0.0.1:port}, which is also its origin. */
  public URI webUi() {
    if (uiPort == 0) {
      throw new IllegalStateException("This dev server is headless; start it with its Web UI");
    }
    return URI.create("http://127.0.0.1:" + uiPort);
  }

  /**
   * Stops the server and starts it again on the same ports and database with its Web UI calling no
   * codec endpoint, as a UI nobody pointed at the codec does, and returns once it answers.
   */
  public void restartWithoutCodecEndpoint() throws IOException, InterruptedException {
    stop();
    codecEndpoint = null;
    restart();
  }

  /**
   * Every file the server wrote: its SQLite database with any journal, write-ahead log ({@code
   * -wal}) and shared-memory index ({@code -shm}) beside it, and its log.
   */
  public List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** The SQLite database file; its journal and write-ahead log are beside it. */
  public Path database() {
    return directory.resolve(DATABASE);
  }

  /**
   * Runs the pinned {@code temporal} CLI against this server ({@code --address}, no colours) and
   * returns what it printed.
   *
   * @throws AssertionError when it fails, with what it printed
   */
  public String cli(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(cli));
    command.addAll(List.of(arguments));
    command.addAll(List.of("--address", target(), "--color", "never"));
    Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!run.waitFor(30, TimeUnit.SECONDS) || run.exitValue() != 0) {
      run.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " failed: " + output);
    }
    return output;
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
          if (uiPort == 0 || webUiAnswers()) {
            return;
          }
        } catch (RuntimeException notYet) {
          // not answering yet
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException("Temporal dev server not ready in " + STARTUP + ": " + log());
    } finally {
      stubs.shutdownNow();
    }
  }

  private boolean webUiAnswers() throws InterruptedException {
    try {
      return HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(webUi()).build(), HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  private String log() throws IOException {
    return Files.readString(directory.resolve("temporal.log"));
  }

  private void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    stop();
    try (var files = Files.walk(directory)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
    }
  }
}
