package dev.signups.server.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Temporal cluster on PostgreSQL, one process per service, as {@code scripts/cluster} runs
 * it: set up in a temporary directory on a free range of loopback ports, with the signup search
 * attributes registered. The script is found under the {@code project.root} system property, which
 * the build sets; it installs the server binaries it needs, and needs PostgreSQL's server binaries
 * on the machine.
 */
public final class TemporalCluster implements TemporalServer, AutoCloseable {

  /** A process of the cluster, as {@code scripts/cluster kill} and {@code start} name it. */
  public enum Service {
    FRONTEND,
    HISTORY,
    MATCHING,
    WORKER,
    POSTGRES;

    String argument() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(TemporalCluster.class);

  /** Ports the script reserves from its port base on. */
  private static final int PORT_SPAN = 40;

  /**
   * Port bases are picked below Linux's ephemeral range (32768 on), where the system picks no port
   * for an outgoing connection or a test's {@code Ports.free()}, and above the dev server's 7233
   * and 8233.
   */
  private static final int LOWEST_PORT_BASE = 10_000;

  private static final int HIGHEST_PORT_BASE = 32_768 - PORT_SPAN;

  private static final int ATTEMPTS = 3;

  private final Path script;
  private final Path directory;
  private final Thread downOnExit;
  private String target;

  private TemporalCluster(Path script, Path directory) {
    this.script = script;
    this.directory = directory;
    this.downOnExit = new Thread(this::downQuietly, "temporal-cluster-down");
    Runtime.getRuntime().addShutdownHook(downOnExit);
  }

  /**
   * Sets up and starts a cluster, and returns once its frontend serves the {@code default}
   * namespace. A port base whose ports another process took meanwhile is given up for another.
   */
  public static TemporalCluster start() throws IOException, InterruptedException {
    String root = System.getProperty("project.root");
    if (root == null) {
      throw new IllegalStateException("No project.root system property: the build sets it");
    }
    Path script = Path.of(root, "scripts", "cluster");
    for (int attempt = 1; ; attempt++) {
      Path directory = Files.createTempDirectory("temporal-cluster-");
      // PostgreSQL runs as the user postgres when the tests run as root: it must enter the
      // directory, which createTempDirectory makes private.
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
      TemporalCluster cluster = new TemporalCluster(script, directory);
      int portBase = freePortBase();
      try {
        cluster.up(portBase);
        return cluster;
      } catch (IOException | InterruptedException | RuntimeException e) {
        try {
          cluster.close();
        } catch (IOException | RuntimeException closing) {
          e.addSuppressed(closing);
        }
        boolean portTaken =
            e instanceof ClusterCommandFailed
                && e.getMessage().contains("pick another --port-base");
        if (!portTaken || attempt == ATTEMPTS) {
          throw e;
        }
        log.info("Port base {} was taken meanwhile; trying another", portBase);
      }
    }
  }

  private void up(int portBase) throws IOException, InterruptedException {
    Instant start = Instant.now();
    String output =
        run("up", "--dir", directory.toString(), "--port-base", Integer.toString(portBase));
    for (String line : output.split("\n")) {
      if (line.startsWith("frontend=")) {
        target = line.substring("frontend=".length());
      }
    }
    if (target == null) {
      throw new ClusterCommandFailed("scripts/cluster up printed no frontend=: " + output);
    }
    log.info(
        "Temporal cluster up in {} ms: frontend {}, directory {}",
        Duration.between(start, Instant.now()).toMillis(),
        target,
        directory);
  }

  /** Kills {@code service} with SIGKILL, as a crash would, and returns once it is gone. */
  public void kill(Service service) throws IOException, InterruptedException {
    run("kill", service.argument(), "--dir", directory.toString());
  }

  /**
   * Starts {@code service} again with the configuration it had, and returns once it is up: the
   * frontend serving, the history service owning all shards and answering through the frontend, and
   * so on as {@code scripts/cluster start} describes.
   *
   * @return how long it took to come up
   */
  public Duration restart(Service service) throws IOException, InterruptedException {
    Instant start = Instant.now();
    run("start", service.argument(), "--dir", directory.toString());
    return Duration.between(start, Instant.now());
  }

  @Override
  public String target() {
    return target;
  }

  /** Stops every process of the cluster and deletes its directory, logs and database included. */
  @Override
  public void close() throws IOException, InterruptedException {
    removeShutdownHook();
    down();
    try (var files = Files.walk(directory)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
    }
  }

  /** Runs {@code scripts/cluster} with {@code arguments} and returns what it printed on stdout. */
  private String run(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(arguments));
    Path errors = Files.createTempFile(directory, "cluster-", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      // The script's services run detached, so its stdout ends when it exits.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new ClusterCommandFailed(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ":\n"
                + Files.readString(errors));
      }
      return output;
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  private void down() throws IOException, InterruptedException {
    if (Files.exists(directory.resolve("cluster.env"))) {
      run("down", "--dir", directory.toString());
    }
  }

  /** Stops the cluster if the JVM exits before {@link #close()}: it runs detached from it. */
  private void downQuietly() {
    try {
      down();
    } catch (IOException | RuntimeException e) {
      log.warn("Could not stop the Temporal cluster in {}: {}", directory, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(downOnExit);
    } catch (IllegalStateException exiting) {
      // The hook is running or about to.
    }
  }

  /** A port base all of whose ports nothing listens on, picked at random. */
  private static int freePortBase() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int tries = 0; tries < 100; tries++) {
      int base =
          ThreadLocalRandom.current()
                  .nextInt(LOWEST_PORT_BASE / PORT_SPAN, HIGHEST_PORT_BASE / PORT_SPAN)
              * PORT_SPAN;
      if (allFree(loopback, base)) {
        return base;
      }
    }
    throw new IllegalStateException("No free range of " + PORT_SPAN + " ports below 32768");
  }

  private static boolean allFree(InetAddress loopback, int base) {
    for (int port = base; port < base + PORT_SPAN; port++) {
      try {
        new ServerSocket(port, 1, loopback).close();
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }

  /** {@code scripts/cluster} failed; the message holds what it wrote to stderr. */
  private static final class ClusterCommandFailed extends IllegalStateException {
    ClusterCommandFailed(String message) {
      super(message);
    }
  }
}
