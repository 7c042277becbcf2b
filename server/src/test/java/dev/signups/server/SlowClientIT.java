package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients that send their request body too slowly, the "slowloris" attack on a server that gives a
 * thread to each request it reads: the application connector of the shipped {@code config.yml}
 * ({@code minRequestDataPerSecond: 16B}, {@code idleTimeout: 10s}) must cut them off in bounded
 * time and give their threads back, while other clients are served as usual meanwhile.
 *
 * <p>Half the slow clients send a byte of their body every {@value #TRICKLE_SECONDS} s, fast enough
 * for the idle timeout never to fire: only the minimum data rate stops them, which Jetty checks
 * when a read finds fewer bytes than the rate asks for since the first, so on their next byte. The
 * other half send one byte and then nothing: the idle timeout stops them.
 */
class SlowClientIT {

  private static final Logger log = LoggerFactory.getLogger(SlowClientIT.class);
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static final int SLOW_CLIENTS = 300;
  static final int TRICKLE_SECONDS = 3;
  private static final int DECLARED_BYTES = 1000;

  /** How soon a slow client must be cut off: the idle timeout, 10 s, and as much again. */
  private static final Duration CUT_OFF_WITHIN = Duration.ofSeconds(20);

  /** How long a request of another client may take meanwhile, at the median. */
  private static final Duration PROMPTLY = Duration.ofSeconds(2);

  /**
   * How long none may take: half the time a silent slow client holds its thread, so that a request
   * that waited for one to be cut off fails the test.
   */
  private static final Duration STARVED = Duration.ofSeconds(5);

  private static final String POOL = "org.eclipse.jetty.util.thread.QueuedThreadPool.dw";
  private static final String ACTIVE_REQUESTS =
      "io.dropwizard.jetty.MutableServletContextHandler.active-requests";

  @RegisterExtension static final RealServers servers = new RealServers();

  private static AppProcess app;
  private static SignupApi api;

  @BeforeAll
  static void startTheApplication() throws Exception {
    app = servers.startApp(Map.of());
    api = app.api(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopTheApplication() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldServeOthersPromptlyAndCutSlowBodiesOffGivingTheirThreadsBack() throws Exception {
    long beforeStart = System.nanoTime();
    api.signUpAccepted("before@slow.example", "Before");
    long beforeMillis = (System.nanoTime() - beforeStart) / 1_000_000;
    Threads before = threads();
    List<SlowClient> clients = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        clients.add(new SlowClient(i, i % 2 == 0, selector));
      }
      AtomicReference<IOException> failure = new AtomicReference<>();
      Thread slow =
          new Thread(
              () -> {
                try {
                  trickleUntilAllAreCutOff(clients, selector);
                } catch (IOException e) {
                  failure.set(e);
                }
              },
              "slow-clients");
      slow.start();
      Threads during = busiest(Duration.ofSeconds(2));

      List<Long> signupMillis = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        HttpResponse<String> accepted = api.signUp("meanwhile-" + i + "@slow.example", "Meanwhile");
        signupMillis.add((System.nanoTime() - start) / 1_000_000);
        assertThat(accepted.statusCode()).isEqualTo(202);
      }
      long healthStart = System.nanoTime();
      HttpResponse<String> health = get(app.adminPort(), "/healthcheck");
      long healthMillis = (System.nanoTime() - healthStart) / 1_000_000;
      Threads meanwhile = threads();

      slow.join(CUT_OFF_WITHIN.plusSeconds(10).toMillis());
      assertThat(failure.get()).isNull();
      Threads after =
          awaitThreads(
              t -> t.activeRequests() == 0 && t.busy() <= before.busy() + 2,
              Duration.ofSeconds(10));

      log.info(
          "{} slow clients; Jetty's dw pool before: {}; at most, with the slow clients: {};"
              + " after the requests of others: {}; once they were cut off: {}",
          SLOW_CLIENTS,
          before,
          during,
          meanwhile,
          after);
      log.info(
          "Meanwhile: POST /signups answered in {} ms ({} ms before), GET :admin/healthcheck in {}"
              + " ms ({})",
          signupMillis,
          beforeMillis,
          healthMillis,
          health.statusCode());
      log.info("Trickling a byte every {} s: {}", TRICKLE_SECONDS, report(clients, true));
      log.info("Silent after one byte: {}", report(clients, false));

      assertThat(during.activeRequests())
          .as("requests the slow clients held open at once, the silent half at least")
          .isGreaterThanOrEqualTo(SLOW_CLIENTS / 2);
      assertThat(signupMillis).allMatch(millis -> millis < STARVED.toMillis());
      assertThat(signupMillis.stream().sorted().toList().get(signupMillis.size() / 2))
          .as("the median of the signups made meanwhile")
          .isLessThan(PROMPTLY.toMillis());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(healthMillis).isLessThan(PROMPTLY.toMillis());
      for (SlowClient client : clients) {
        assertThat(client.cutOffAfter)
            .as("client %d (%s) cut off", client.number, client.trickles ? "trickling" : "silent")
            .isNotNull()
            .isLessThan(CUT_OFF_WITHIN);
        assertThat(client.answer())
            .as("the answer to client %d", client.number)
            .matches("|4\\d\\d");
      }
      assertThat(after.activeRequests()).isZero();
      assertThat(after.busy()).isLessThanOrEqualTo(before.busy() + 2);
    } finally {
      for (SlowClient client : clients) {
        client.channel.close();
      }
    }
    api.signUpAccepted("after@slow.example", "After");
  }

  /**
   * Sends each trickling client's next byte {@value #TRICKLE_SECONDS} s after its last, and reads
   * what the server answers, until it has closed every connection or {@link #CUT_OFF_WITHIN} and 5
   * s have passed.
   */
  private static void trickleUntilAllAreCutOff(List<SlowClient> clients, Selector selector)
      throws IOException {
    long start = System.nanoTime();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (clients.stream().anyMatch(client -> client.cutOffAfter == null)
        && System.nanoTime() - start < CUT_OFF_WITHIN.plusSeconds(5).toNanos()) {
      selector.select(50);
      for (SelectionKey key : selector.selectedKeys()) {
        SlowClient client = (SlowClient) key.attachment();
        buffer.clear();
        int read;
        try {
          read = client.channel.read(buffer);
        } catch (IOException reset) {
          read = -1;
        }
        if (read > 0) {
          client.received.append(new String(buffer.array(), 0, read, StandardCharsets.ISO_8859_1));
        } else if (read < 0) {
          client.cutOff();
          key.cancel();
        }
      }
      selector.selectedKeys().clear();
      for (SlowClient client : clients) {
        if (client.trickles && client.cutOffAfter == null) {
          client.trickle();
        }
      }
    }
  }

  private static String report(List<SlowClient> clients, boolean trickling) {
    List<Long> millis = new ArrayList<>();
    Map<String, Integer> answers = new TreeMap<>();
    for (SlowClient client : clients) {
      if (client.trickles == trickling && client.cutOffAfter != null) {
        millis.add(client.cutOffAfter.toMillis());
        answers.merge(client.answerLine(), 1, Integer::sum);
      }
    }
    long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return "none cut off";
    }
    return String.format(
        "%d cut off after %.1f s (first), %.1f s (median), %.1f s (last); answers %s",
        sorted.length,
        sorted[0] / 1000.0,
        sorted[sorted.length / 2] / 1000.0,
        sorted[sorted.length - 1] / 1000.0,
        answers);
  }

  /** Jetty's request thread pool, as the admin port's metrics tell it. */
  record Threads(int size, int busy, long activeRequests) {
    @Override
    public String toString() {
      return size + " threads, " + busy + " busy, " + activeRequests + " requests in progress";
    }
  }

  private static Threads threads() throws IOException, InterruptedException {
    JsonNode metrics = json.readTree(get(app.adminPort(), "/metrics").body());
    JsonNode gauges = metrics.get("gauges");
    int size = gauges.get(POOL + ".size").get("value").asInt();
    double utilization = gauges.get(POOL + ".utilization").get("value").asDouble();
    return new Threads(
        size,
        (int) Math.round(size * utilization),
        metrics.get("counters").get(ACTIVE_REQUESTS).get("count").asLong());
  }

  /** The metrics read while the most requests were in progress, over {@code window}. */
  private static Threads busiest(Duration window) throws IOException, InterruptedException {
    long end = System.nanoTime() + window.toNanos();
    Threads busiest = threads();
    while (System.nanoTime() < end) {
      Threads now = threads();
      if (now.activeRequests() > busiest.activeRequests()) {
        busiest = now;
      }
    }
    return busiest;
  }

  private static Threads awaitThreads(Predicate<Threads> condition, Duration patience)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    Threads threads = threads();
    while (!condition.test(threads) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      threads = threads();
    }
    return threads;
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A client that declares a body of {@value #DECLARED_BYTES} bytes and sends it very slowly. */
  private static final class SlowClient {

    final int number;
    final boolean trickles;
    final SocketChannel channel;
    final StringBuilder received = new StringBuilder();
    final long openedAt;
    long lastByteAt;
    volatile Duration cutOffAfter;

    SlowClient(int number, boolean trickles, Selector selector) throws IOException {
      this.number = number;
      this.trickles = trickles;
      this.channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", app.port()));
      this.openedAt = System.nanoTime();
      this.lastByteAt = openedAt;
      channel.write(
          ByteBuffer.wrap(
              ("POST /signups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      + "Content-Length: "
                      + DECLARED_BYTES
                      + "\r\n\r\n{")
                  .getBytes(StandardCharsets.US_ASCII)));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, this);
    }

    /** Sends one more byte of the body when {@value #TRICKLE_SECONDS} s have passed. */
    void trickle() {
      long now = System.nanoTime();
      if (now - lastByteAt < Duration.ofSeconds(TRICKLE_SECONDS).toNanos()) {
        return;
      }
      lastByteAt = now;
      try {
        channel.write(ByteBuffer.wrap(new byte[] {' '}));
      } catch (IOException closed) {
        // The server has cut this client off; the selector sees it.
      }
    }

    void cutOff() {
      cutOffAfter = Duration.ofNanos(System.nanoTime() - openedAt);
    }

    /** The status of what the server answered before it closed, or empty when it answered none. */
    String answer() {
      String line = answerLine();
      return line.startsWith("HTTP/1.1 ") ? line.substring(9, 12) : "";
    }

    String answerLine() {
      int end = received.indexOf("\r\n");
      String statusLine = end < 0 ? received.toString() : received.substring(0, end);
      int body = received.indexOf("\r\n\r\n");
      return body < 0 ? statusLine : statusLine + " " + received.substring(body + 4);
    }
  }
}
