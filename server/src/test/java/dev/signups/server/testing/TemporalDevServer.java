package dev.signups.server.testing;

import dev.signups.activities.testing.Ports;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Temporal server, {@code temporal server start-dev}, on free loopback ports with its SQLite
 * database in a temporary directory and the signup search attributes registered. The CLI comes from
 * the {@code temporal.cli} system property, which the build points at the copy {@code
 * scripts/install-tools} installs.
 */
public final class TemporalDevServer implements TemporalServer, AutoCloseable {

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

  @Override
  public String target() {
    return "127.0.0.1:" + port;
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
