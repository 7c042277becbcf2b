package dev.signups.server.testing;

import dev.signups.activities.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The application as its own process, started from a build's shaded jar with the {@code config.yml}
 * it ships with, on free ports, so a test can kill it.
 */
public final class AppProcess implements AutoCloseable {

  /**
   * Overrides under which an attempt lost with its worker is retried soon: after a 5 s {@code
   * startToCloseTimeout} plus the backoff, with SMTP timeouts to match.
   */
  public static final Map<String, String> FAST_RETRY =
      Map.of(
          "sendEmail.startToCloseTimeout", "5s",
          "smtp.connectTimeout", "2s",
          "smtp.readTimeout", "4s",
          "smtp.writeTimeout", "4s");

  /**
   * Rate limits no test of delivery reaches, for a build that has them (an older build refuses
   * configuration keys it does not know): tests of the limits set their own.
   */
  private static final Map<String, String> UNLIMITED =
      Map.of(
          "rateLimits.perClient.requests", "1000000",
          "rateLimits.perDomain.requests", "1000000");

  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final int apiPort;
  private final int adminPort;
  private final String signupIdSecret;
  private final Path log;

  private AppProcess(Process process, int apiPort, int adminPort, String signupIdSecret, Path log) {
    this.process = process;
    this.apiPort = apiPort;
    this.adminPort = adminPort;
    this.signupIdSecret = signupIdSecret;
    this.log = log;
  }

  /**
   * Starts {@code build} with {@code environment} added to its environment and each {@code
   * overrides} entry passed as a {@code -Ddw.} configuration override, and returns once its health
   * check answers. Its confirmation links point to its own API port, {@link #publicBaseUrl()},
   * unless {@code overrides} set {@code confirmation.publicBaseUrl}; {@code environment} must hold
   * its {@code SIGNUP_ID_SECRET}, and may name its {@code ADMIN_PORT} (a free one otherwise).
   */
  public static AppProcess start(
      AppBuild build, Map<String, String> environment, Map<String, String> overrides)
      throws IOException, InterruptedException {
    int apiPort = Ports.free();
    int adminPort =
        environment.containsKey("ADMIN_PORT")
            ? Integer.parseInt(environment.get("ADMIN_PORT"))
            : Ports.free();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Map<String, String> configuration = new TreeMap<>();
    if (Files.readString(build.config()).lines().anyMatch(line -> line.startsWith("rateLimits:"))) {
      configuration.putAll(UNLIMITED);
    }
    configuration.putAll(overrides);
    configuration.forEach((key, value) -> command.add("-Ddw." + key + "=" + value));
    command.addAll(List.of("-jar", build.jar().toString(), "server", build.config().toString()));
    Path log = Files.createTempFile("signups-app-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("API_PORT", Integer.toString(apiPort));
    builder.environment().put("ADMIN_PORT", Integer.toString(adminPort));
    builder.environment().put("PUBLIC_BASE_URL", "http://127.0.0.1:" + apiPort);
    AppProcess app =
        new AppProcess(
            builder.start(), apiPort, adminPort, environment.get("SIGNUP_ID_SECRET"), log);
    app.awaitHealthCheck(adminPort);
    return app;
  }

  /** What the process wrote to standard output and error so far. */
  public String output() throws IOException {
    return Files.readString(log);
  }

  /** The body of {@code GET path} on the admin port, such as {@code /prometheus}. */
  public String admin(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The port of the public API. */
  public int port() {
    return apiPort;
  }

  /** The port of the admin endpoints and the operators' API. */
  public int adminPort() {
    return adminPort;
  }

  /** Its API's address, {@code http://127.0.0.1:port}: where a worker's links should point. */
  public String publicBaseUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  /** Its codec endpoint, {@code http://127.0.0.1:<admin port>/codec}. */
  public URI codecEndpoint() {
    return URI.create("http://127.0.0.1:" + adminPort + "/codec");
  }

  public SignupApi api(Duration patience) {
    return new SignupApi(apiPort, adminPort, signupIdSecret, patience);
  }

  /** The process id, the first part of its Temporal worker identity ({@code pid@host}). */
  public long pid() {
    return process.pid();
  }

  /** Kills the process with SIGKILL: no shutdown hook runs, nothing is drained. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /**
   * Sends SIGTERM and waits for the process to exit.
   *
   * @return how long it took to exit
   */
  public Duration terminate(Duration patience) throws InterruptedException {
    Instant start = Instant.now();
    process.destroy();
    if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("Still running " + patience + " after SIGTERM");
    }
    return Duration.between(start, Instant.now());
  }

  public int exitCode() {
    return process.exitValue();
  }

  private void awaitHealthCheck(int adminPort) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/healthcheck"))
            .build();
    Instant deadline = Instant.now().plus(STARTUP);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("The application exited: " + Files.readString(log));
      }
      try {
        http.send(health, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("Not healthy in " + STARTUP + ": " + Files.readString(log));
  }

  @Override
  public void close() throws InterruptedException, IOException {
    if (process.isAlive()) {
      kill();
    }
    Files.deleteIfExists(log);
  }
}
