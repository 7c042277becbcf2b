package dev.signups.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP sink ({@link SmtpSink}) as a process of its own, and what it accepted: for each address,
 * when each of its messages got its {@code 250} and with which Message-ID.
 */
final class Inbox implements AutoCloseable {

  /** One message accepted: when (epoch microseconds) and its Message-ID. */
  record Delivery(long acceptedMicros, String messageId) {}

  private final Process process;
  private final int port;
  private final Map<String, List<Delivery>> deliveries = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Delivery>> expected = new ConcurrentHashMap<>();
  private final Object arrivals = new Object();

  private Inbox(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts the sink with {@code replyDelayMillis} before each reply, in a JVM with {@code
   * jvmOptions}; its standard error goes to {@code log}.
   */
  static Inbox start(long replyDelayMillis, List<String> jvmOptions, Path log) throws IOException {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-Xmx256m");
    Process process =
        new ProcessBuilder(
                ChildProcess.java(
                    options, Main.class.getName(), "sink", Long.toString(replyDelayMillis)))
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    String first = lines.readLine();
    if (first == null || !first.startsWith("port ")) {
      throw new IllegalStateException("The SMTP sink did not start; see " + log);
    }
    Inbox inbox = new Inbox(process, Integer.parseInt(first.substring(5)));
    Thread reader = new Thread(() -> inbox.read(lines), "inbox");
    reader.setDaemon(true);
    reader.start();
    return inbox;
  }

  private void read(BufferedReader lines) {
    try {
      String line;
      while ((line = lines.readLine()) != null) {
        String[] fields = line.split(" ", 4);
        if (fields.length == 4 && fields[0].equals("250")) {
          Delivery delivery = new Delivery(Long.parseLong(fields[1]), fields[3]);
          List<Delivery> list = deliveries.computeIfAbsent(fields[2], a -> new ArrayList<>(1));
          synchronized (list) {
            list.add(delivery);
          }
          CompletableFuture<Delivery> waiting = expected.remove(fields[2]);
          if (waiting != null) {
            waiting.complete(delivery);
          }
          synchronized (arrivals) {
            arrivals.notifyAll();
          }
        }
      }
    } catch (IOException e) {
      // The sink is gone; close() or a crash, which the phases notice as missing deliveries.
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Completes with the first message accepted for {@code address} from now on; call it before
   * anything can send one. {@link #forget} the address when giving up on it.
   */
  CompletableFuture<Delivery> expect(String address) {
    return expected.computeIfAbsent(address, a -> new CompletableFuture<>());
  }

  void forget(String address) {
    expected.remove(address);
  }

  /** The messages accepted for {@code address}, oldest first. */
  List<Delivery> deliveries(String address) {
    List<Delivery> list = deliveries.get(address);
    if (list == null) {
      return List.of();
    }
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  /** The first message accepted for {@code address}, or null. */
  Delivery first(String address) {
    List<Delivery> list = deliveries(address);
    return list.isEmpty() ? null : list.get(0);
  }

  /**
   * Waits until every one of {@code addresses} has a message, or {@code timeout} passes.
   *
   * @return the addresses still without one
   */
  Set<String> awaitAll(Collection<String> addresses, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> missing = new HashSet<>(addresses);
    while (true) {
      missing.removeIf(address -> deliveries.containsKey(address));
      long left = deadline - System.nanoTime();
      if (missing.isEmpty() || left <= 0 || !process.isAlive()) {
        return missing;
      }
      synchronized (arrivals) {
        arrivals.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
      }
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
