package dev.signups.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A process the benchmark started, its output in a log file, and what tells that it is ready. */
final class ChildProcess implements AutoCloseable {

  /** The line the benchmark's own Java processes print once they are ready. */
  static final String READY = "bench: ready";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private Process process;

  private ChildProcess(
      String name, List<String> command, Map<String, String> environment, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.log = log;
  }

  /** Starts {@code command} with {@code environment} added, its output appended to {@code log}. */
  static ChildProcess start(
      String name, List<String> command, Map<String, String> environment, Path log)
      throws IOException {
    ChildProcess child = new ChildProcess(name, command, environment, log);
    child.launch();
    return child;
  }

  /** The same command again, for a process that was killed; appends to the same log. */
  ChildProcess restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    launch();
    return this;
  }

  private void launch() throws IOException {
    Files.writeString(
        log,
        "=== bench: starting " + name + ": " + String.join(" ", command) + System.lineSeparator(),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    process = builder.start();
  }

  /** The Java command running {@code mainClass} of the benchmark's own classpath. */
  static List<String> java(List<String> jvmOptions, String mainClass, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(arguments));
    return command;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits until {@code GET url} answers at all; fails if the process exits first. */
  void awaitHttp(String url, Duration timeout) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      checkAlive();
      try {
        HTTP.send(request, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(name + " did not answer " + url + " within " + timeout);
        }
        Thread.sleep(200);
      }
    }
  }

  /** The body of {@code GET url}. */
  static String get(String url) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Waits until the log shows {@link #READY} after the latest start. */
  void awaitReadyLine(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      checkAlive();
      String output = Files.readString(log);
      if (output.substring(output.lastIndexOf("=== bench: starting")).contains(READY)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
      }
      Thread.sleep(100);
    }
  }

  private void checkAlive() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name
              + " exited with status "
              + process.exitValue()
              + "; last lines of "
              + log
              + ":\n"
              + tail());
    }
  }

  String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  /** SIGKILL, as a crash: nothing is drained, nothing flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM, then SIGKILL after {@code patience}. */
  void stop(Duration patience) throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
    }
  }

  @Override
  public void close() {
    try {
      stop(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
