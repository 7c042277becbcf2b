package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mail provider's emails go through its own task queue at the rate configured for it, which the
 * Temporal server enforces over every worker polling the queue, while other domains are not slowed:
 * on a real dev server, an API process and two worker processes, counted at the SMTP server.
 */
class ProviderThrottlingIT {

  private static final Logger log = LoggerFactory.getLogger(ProviderThrottlingIT.class);
  private static final int RATE = 2;
  private static final int SIGNUPS = 20;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** The window over which the rate is held. */
  private static final Duration WINDOW = Duration.ofSeconds(5);

  /**
   * How many emails the server's limiter may let through at once: it splits a task queue's rate
   * over the queue's partitions (the server's default 4), each with a burst of one (matching's
   * {@code ratelimit_manager.go}), so up to one per partition can leave together.
   */
  private static final int BURST = 4;

  /** The one provider of this test: slow.example, at most {@value #RATE} emails a second. */
  private static final Map<String, String> SLOW_PROVIDER =
      Map.of(
          "mailProviders[0].name", "slow",
          "mailProviders[0].domains", "slow.example",
          "mailProviders[0].maxSendsPerSecond", Integer.toString(RATE));

  @RegisterExtension static final RealServers servers = new RealServers();

  @Test
  void shouldNeverSendToAThrottledProviderFasterThanItsRateWhileOthersGoAtOnce() throws Exception {
    try (AppProcess api = start("api");
        AppProcess first = start("worker");
        AppProcess second = start("worker")) {
      SignupApi signups = api.api(PATIENCE);
      Map<String, Instant> accepted = new ConcurrentHashMap<>();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> posts = new ArrayList<>();
      for (int i = 0; i < SIGNUPS; i++) {
        for (String domain : List.of("slow.example", "fast.example")) {
          String address = "user" + i + "@" + domain;
          posts.add(
              clients.submit(
                  () -> {
                    signups.signUpAccepted(address, "User");
                    return accepted.put(address, Instant.now());
                  }));
        }
      }
      for (Future<?> post : posts) {
        post.get();
      }
      clients.shutdown();
      Duration posting = Duration.between(Collections.min(accepted.values()), Instant.now());

      List<ReceivedMessage> fast = awaitDeliveries("fast.example");
      List<Instant> slow = arrivals(awaitDeliveries("slow.example"));

      Duration slowTook = Duration.between(slow.get(0), slow.get(slow.size() - 1));
      Duration fastWait = medianWait(fast, accepted);
      Duration slowWait = medianWait(deliveries("slow.example"), accepted);
      log.info(
          "{} signups to each domain were posted in {} ms; {} emails to slow.example (at most {}/s)"
              + " arrived over {} ms, at most {} in any second"
              + " and {} in any {} s, a median {} ms after their 202; {} to fast.example a median"
              + " {} ms after",
          SIGNUPS,
          posting.toMillis(),
          SIGNUPS,
          RATE,
          slowTook.toMillis(),
          busiest(slow, Duration.ofSeconds(1)),
          busiest(slow, WINDOW),
          WINDOW.toSeconds(),
          slowWait.toMillis(),
          SIGNUPS,
          fastWait.toMillis());
      assertThat(posting)
          .as("the signups came faster than the rate, so the limit had to hold them")
          .isLessThan(Duration.ofMillis(1000L * SIGNUPS / RATE / 2));
      assertThat(busiest(slow, WINDOW))
          .as(
              "emails to slow.example in any %d s: the rate, and a burst of one per partition",
              WINDOW.toSeconds())
          .isLessThanOrEqualTo(RATE * (int) WINDOW.toSeconds() + BURST);
      assertThat(slowTook)
          .as("%d emails at %d/s", SIGNUPS, RATE)
          .isGreaterThanOrEqualTo(Duration.ofMillis(1000L * (SIGNUPS - BURST) / RATE));
      assertThat(busiest(arrivals(fast), WINDOW))
          .as(
              "emails to fast.example, on the same workers, in the busiest %d s",
              WINDOW.toSeconds())
          .isGreaterThan(RATE * (int) WINDOW.toSeconds() + BURST);
    }
  }

  private static AppProcess start(String roles) throws Exception {
    Map<String, String> overrides = new HashMap<>(SLOW_PROVIDER);
    overrides.put("roles", roles);
    return servers.startApp(overrides);
  }

  private static List<ReceivedMessage> awaitDeliveries(String domain) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    List<ReceivedMessage> delivered = deliveries(domain);
    while (delivered.size() < SIGNUPS && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      delivered = deliveries(domain);
    }
    assertThat(delivered).as("emails to %s", domain).hasSize(SIGNUPS);
    return delivered;
  }

  private static List<ReceivedMessage> deliveries(String domain) {
    return servers.smtp().received().stream()
        .filter(message -> message.recipients().get(0).endsWith("@" + domain))
        .toList();
  }

  /** The median time from each message's 202 to its arrival at the SMTP server. */
  private static Duration medianWait(
      List<ReceivedMessage> messages, Map<String, Instant> accepted) {
    List<Duration> waits =
        messages.stream()
            .map(m -> Duration.between(accepted.get(m.recipients().get(0)), m.receivedAt()))
            .sorted()
            .toList();
    return waits.get(waits.size() / 2);
  }

  private static List<Instant> arrivals(List<ReceivedMessage> messages) {
    return messages.stream().map(ReceivedMessage::receivedAt).sorted().toList();
  }

  /** The most arrivals within any {@code window}, one starting at each arrival. */
  private static int busiest(List<Instant> arrivals, Duration window) {
    int busiest = 0;
    for (int i = 0; i < arrivals.size(); i++) {
      Instant end = arrivals.get(i).plus(window);
      int within = 0;
      for (int j = i; j < arrivals.size() && arrivals.get(j).isBefore(end); j++) {
        within++;
      }
      busiest = Math.max(busiest, within);
    }
    return busiest;
  }
}
