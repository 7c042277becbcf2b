package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.server.testing.AppBuild;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.Backoff;
import dev.signups.server.testing.Deliveries;
import dev.signups.server.testing.Deliveries.Tally;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seven fault scenarios, each with many signups counted as a receiver would: <b>lost</b> is a
 * signup answered 202 whose email never reached the SMTP server, <b>duplicates</b> are copies
 * beyond the first of one Message-ID. Every process is real: the Temporal dev server, the
 * application started from its shaded jar, and a scriptable SMTP server.
 *
 * <p>The number of signups per scenario is {@code durability.signups} (default 200). With {@code
 * durability.report} naming a file, each scenario appends a tab-separated row to it, whether it
 * passes or not: number, scenario, signups, delivered, lost, duplicates, max extra delay (the
 * longest time from a 202 to the first copy at the SMTP server, in seconds) and recovery time (from
 * the end of the fault to the last copy the SMTP server received, resends included, in seconds, or
 * {@code -}).
 */
class DurabilityIT {

  private static final Logger log = LoggerFactory.getLogger(DurabilityIT.class);
  private static final int SIGNUPS = Integer.getInteger("durability.signups", 200);

  /** How long the signups of a scenario may take to arrive once its fault is over. */
  private static final Duration PATIENCE = Duration.ofSeconds(60 + SIGNUPS / 10);

  /** How long the SMTP server takes over each message while workers are killed or stopped. */
  private static final Duration SEND_TIME = Duration.ofSeconds(2);

  /** The retry policy of every scenario. */
  private static final Backoff BACKOFF = Backoff.FAST;

  /**
   * The spread of the outage scenario's second run: each wait from 0.5 to 1.5 times the policy's.
   */
  private static final double JITTER = 0.5;

  /**
   * How long after the last signup's first copy the counting waits for more: an attempt whose
   * success never reached Temporal is sent again after startToCloseTimeout (5 s) and a backoff.
   */
  private static final Duration SETTLE = Duration.ofSeconds(5).plus(BACKOFF.maximum());

  /** Version N of the deploy scenario: a commit of main, built from git history. */
  private static final String VERSION_N = "928c4f8";

  @RegisterExtension static final RealServers servers = new RealServers();

  private FaultySmtpServer smtp;
  private Deliveries deliveries;

  @BeforeEach
  void useTheSmtpServer() {
    smtp = servers.smtp();
    deliveries = new Deliveries(smtp, PATIENCE, SETTLE);
  }

  @Test
  void shouldDeliverEverySignupWhileTheWorkerIsKilledMidSendAgainAndAgain() throws Exception {
    int kills = 3;
    smtp.delayData(SEND_TIME);
    Map<String, Instant> accepted = new LinkedHashMap<>();
    Instant lastKill = null;
    try (AppProcess api = start(AppBuild.current(), "api")) {
      AppProcess worker = start(AppBuild.current(), "worker");
      try {
        for (int kill = 0; kill < kills; kill++) {
          accepted.putAll(
              api.api(PATIENCE)
                  .signUpEach("killed", kill * SIGNUPS / kills, (kill + 1) * SIGNUPS / kills));
          pauseWhileSending();
          worker.kill();
          lastKill = Instant.now();
          worker.close();
          worker = start(AppBuild.current(), "worker");
        }
        smtp.delayData(Duration.ZERO);
        Tally tally = awaitDelivery(1, "worker kill -9 x" + kills, accepted, lastKill);

        assertThat(tally.lost()).isZero();
        assertThat(tally.retried()).as("signups whose send a kill interrupted").isPositive();
      } finally {
        worker.close();
      }
    }
  }

  @Test
  void shouldDeliverEverySignupOnTheSurvivorWhenOneOfTwoWorkersIsKilled() throws Exception {
    Tally tally = faultOneOfTwoWorkers(2, "two workers, one kill -9", AppProcess::kill);

    assertThat(tally.lost()).isZero();
    assertThat(tally.retried()).as("signups whose send the kill interrupted").isPositive();
  }

  @Test
  void shouldResumeEverySignupWhenTemporalIsKilledMidSendAndInBackoff() throws Exception {
    smtp.rejectAllRecipients(451, "4.3.0 Try again later");
    try (AppProcess app = start(AppBuild.current(), "api,worker")) {
      Map<String, Instant> accepted = app.api(PATIENCE).signUpEach("temporal", 0, SIGNUPS);
      awaitAttempted(accepted.keySet());
      smtp.reset();
      smtp.delayData(SEND_TIME);
      awaitConnection();
      pauseWhileSending();

      servers.temporal().kill();
      Instant killed = Instant.now();
      HttpResponse<String> whileDown = app.api(PATIENCE).signUp("late@example.com", "Late");
      Duration refusedAfter = Duration.between(killed, Instant.now());
      Duration startup = servers.temporal().restart();
      Instant restarted = Instant.now();
      smtp.delayData(Duration.ZERO);
      log.info(
          "Temporal killed: POST answered {} after {} ms; restarted in {} ms",
          whileDown.statusCode(),
          refusedAfter.toMillis(),
          startup.toMillis());
      Tally tally = awaitDelivery(3, "Temporal kill -9, restart", accepted, restarted);

      assertThat(tally.lost()).isZero();
      assertThat(whileDown.statusCode()).isEqualTo(503);
      assertThat(whileDown.body()).contains("not recorded");
    }
  }

  @Test
  void shouldDeliverEverySignupAfterAnSmtpOutageRetryingAtTheConfiguredBackoff() throws Exception {
    Map<Integer, Duration> spread = outage(4, BACKOFF);

    assertThat(spread).isNotEmpty();
  }

  /**
   * The same outage with the waits spread by a jitter: the medians still follow the policy, but
   * signups that failed together come back apart, each wait anywhere from 0.5 to 1.5 times the
   * backoff.
   */
  @Test
  void shouldSpreadTheRetriesOfAnOutageWithAJitter() throws Exception {
    Backoff spread = BACKOFF.withJitter(JITTER);

    Map<Integer, Duration> interquartile = outage(8, spread);

    interquartile.forEach(
        (n, range) -> {
          if (!spread.after(n).minus(Duration.ofSeconds(4)).isNegative()) {
            assertThat(range)
                .as("interquartile range of the waits after attempt %d (%s)", n, spread.after(n))
                .isGreaterThanOrEqualTo(
                    Duration.ofMillis((long) (spread.after(n).toMillis() * JITTER / 2)));
          }
        });
  }

  /**
   * Signs up N addresses while the SMTP server answers 421 to every recipient, then refuses
   * connections, then recovers; checks that nothing is lost and that the waits between attempts
   * follow {@code backoff}.
   *
   * @return for each attempt n, the interquartile range of the waits after it
   */
  private Map<Integer, Duration> outage(int number, Backoff backoff) throws Exception {
    Duration replies = Duration.ofSeconds(17);
    Duration refused = Duration.ofSeconds(10);
    smtp.rejectAllRecipients(421, "4.3.2 Service not available, closing channel");
    try (AppProcess app = start(AppBuild.current(), "api,worker", backoff)) {
      Map<String, Instant> accepted = app.api(PATIENCE).signUpEach("outage-" + number, 0, SIGNUPS);
      Thread.sleep(replies.toMillis());
      Instant refusing = Instant.now();
      smtp.refuseConnections();
      Thread.sleep(refused.toMillis());
      smtp.reset();
      Instant recovered = Instant.now();
      String scenario =
          "SMTP outage: "
              + replies.toSeconds()
              + " s 421, "
              + refused.toSeconds()
              + " s refused"
              + (backoff.jitter() == 0 ? "" : ", jitter " + backoff.jitter());
      Tally tally = awaitDelivery(number, scenario, accepted, recovered);

      assertThat(tally.lost()).isZero();
      assertThat(tally.duplicates()).isZero();
      return assertRetriedAtTheConfiguredBackoff(accepted.keySet(), refusing, backoff);
    }
  }

  @Test
  void shouldFailPoisonAddressesAfterOneAttemptAndDeliverTheRest() throws Exception {
    int poisoned = Math.max(1, SIGNUPS / 100);
    for (int i = 0; i < poisoned; i++) {
      smtp.rejectRecipient("poison-" + i + "@example.com", 550, "5.1.1 No such user");
    }
    try (AppProcess app = start(AppBuild.current(), "api,worker")) {
      SignupApi api = app.api(PATIENCE);
      Map<String, Instant> accepted = api.signUpEach("healthy", 0, SIGNUPS);
      Map<String, String> poison = new LinkedHashMap<>();
      for (int i = 0; i < poisoned; i++) {
        String address = "poison-" + i + "@example.com";
        poison.put(address, api.signUpAccepted(address, "Poison " + i));
      }
      Tally tally =
          awaitDelivery(5, "poison: 550 for " + poisoned + " more addresses", accepted, null);

      assertThat(tally.lost()).isZero();
      assertThat(tally.duplicates()).isZero();
      for (String id : poison.values()) {
        JsonNode failed = api.awaitStatus(id, "DELIVERY_FAILED");
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        assertThat(failed.get("lastError").asText()).startsWith("550");
      }
      assertThat(poison.keySet())
          .allSatisfy(a -> assertThat(smtp.receivedBy(a)).isEmpty())
          .allSatisfy(a -> assertThat(smtp.recipientAttempts(a)).hasSize(1));
      assertThat(tally.retried()).isZero();
    }
  }

  @Test
  void shouldFinishTheRunningSendsOfAWorkerStoppedWithSigtermAndLoseNothing() throws Exception {
    Duration gracePeriod = Duration.ofSeconds(30);
    List<Duration> exit = new ArrayList<>();
    Tally tally =
        faultOneOfTwoWorkers(
            6,
            "SIGTERM one of two workers",
            worker -> exit.add(worker.terminate(gracePeriod.plusSeconds(10))));
    log.info("SIGTERM under load: the worker exited after {} ms", exit.get(0).toMillis());

    assertThat(tally.lost()).isZero();
    assertThat(tally.duplicates()).isZero();
    assertThat(exit.get(0)).isLessThan(gracePeriod);
  }

  @Test
  void shouldFinishSignupsStartedByTheOldVersionOnTheNewOne() throws Exception {
    AppBuild versionN = AppBuild.ofCommit(VERSION_N);
    smtp.rejectAllRecipients(451, "4.3.0 Try again later");
    Map<String, Instant> accepted;
    try (AppProcess old = start(versionN, "api,worker")) {
      accepted = old.api(PATIENCE).signUpEach("deploy", 0, SIGNUPS);
      awaitAttempted(accepted.keySet());
      old.terminate(PATIENCE);
    }
    smtp.reset();
    Instant deployed = Instant.now();
    try (AppProcess next = start(AppBuild.current(), "api,worker")) {
      Tally tally = awaitDelivery(7, "deploy N+1 over " + VERSION_N, accepted, deployed);
      SignupApi api = next.api(PATIENCE);
      String startedByN = api.idOf(accepted.keySet().iterator().next());
      String startedByNext = api.signUpAccepted("deploy-next@example.com", "Next");

      assertThat(tally.lost()).isZero();
      assertThat(tally.duplicates()).isZero();
      assertThat(api.awaitStatus(startedByN, "SENT").get("status").asText())
          .as("version N's path: no link, done once sent")
          .isEqualTo("SENT");
      api.awaitStatus(startedByNext, SignupApi.DELIVERED);
    }
  }

  /**
   * Signs up with an API and two workers while the SMTP server takes {@link #SEND_TIME} per
   * message, hands the first worker to {@code fault} while the last messages are being sent, and
   * counts the delivery from when {@code fault} returned.
   */
  private Tally faultOneOfTwoWorkers(int number, String scenario, WorkerFault fault)
      throws Exception {
    smtp.delayData(SEND_TIME);
    try (AppProcess api = start(AppBuild.current(), "api");
        AppProcess faulted = start(AppBuild.current(), "worker");
        AppProcess survivor = start(AppBuild.current(), "worker")) {
      Map<String, Instant> accepted =
          api.api(PATIENCE).signUpEach("scenario-" + number, 0, SIGNUPS);
      pauseWhileSending();
      fault.apply(faulted);
      Instant faultEnded = Instant.now();
      smtp.delayData(Duration.ZERO);
      return awaitDelivery(number, scenario, accepted, faultEnded);
    }
  }

  private static AppProcess start(AppBuild build, String roles) throws Exception {
    return start(build, roles, BACKOFF);
  }

  private static AppProcess start(AppBuild build, String roles, Backoff backoff) throws Exception {
    Map<String, String> overrides = new HashMap<>(AppProcess.FAST_RETRY);
    overrides.putAll(backoff.overrides(build));
    overrides.put("roles", roles);
    return servers.startApp(build, overrides);
  }

  /**
   * Waits a random moment shorter than half of {@link #SEND_TIME}: the messages of the last signups
   * are still being sent.
   */
  private static void pauseWhileSending() throws InterruptedException {
    Thread.sleep(ThreadLocalRandom.current().nextLong(SEND_TIME.toMillis() / 2));
  }

  /** Waits until a worker opens a new connection to the SMTP server. */
  private void awaitConnection() throws InterruptedException {
    int before = smtp.connections();
    Instant deadline = Instant.now().plus(PATIENCE);
    while (smtp.connections() == before) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("No worker connected to the SMTP server in " + PATIENCE);
      }
      Thread.sleep(20);
    }
  }

  /** Waits until an attempt to send to each of {@code addresses} has reached the SMTP server. */
  private void awaitAttempted(Collection<String> addresses) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (addresses.stream().anyMatch(a -> smtp.recipientAttempts(a).isEmpty())) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Not every signup was attempted in " + PATIENCE);
      }
      Thread.sleep(200);
    }
  }

  /**
   * Each address was retried before {@code until}, and for each n the median wait between its
   * attempts n and n + 1 is the configured backoff: never shorter and at most 1.5 s longer without
   * a jitter, within the jitter's tenth and 1.5 s with one. Single waits stretch under load: a busy
   * worker or server starts an attempt late, or the attempt fails before {@code RCPT TO} and the
   * SMTP server does not see it. So the median is held to the policy, and the spread is logged.
   * Only the waits that could all have ended before {@code until} count: near the end of the window
   * the long ones would be missing and the median would look early.
   *
   * @return for each n with waits from at least a quarter of the addresses, the interquartile range
   *     of the waits after attempt n
   */
  private Map<Integer, Duration> assertRetriedAtTheConfiguredBackoff(
      Collection<String> addresses, Instant until, Backoff backoff) {
    Map<Integer, List<Duration>> lateness = new TreeMap<>();
    for (String address : addresses) {
      List<Instant> attempts =
          smtp.recipientAttempts(address).stream().filter(t -> t.isBefore(until)).toList();
      assertThat(attempts).as("attempts to send to %s", address).hasSizeGreaterThan(1);
      for (int n = 1;
          n < attempts.size() && attempts.get(n - 1).plus(backoff.longest(n)).isBefore(until);
          n++) {
        Duration wait = Duration.between(attempts.get(n - 1), attempts.get(n));
        lateness.computeIfAbsent(n, k -> new ArrayList<>()).add(wait.minus(backoff.after(n)));
      }
    }
    Map<Integer, Duration> interquartile = new TreeMap<>();
    lateness.forEach(
        (n, late) -> {
          late.sort(Comparator.naturalOrder());
          Duration median = late.get(late.size() / 2);
          Duration range = late.get(late.size() * 3 / 4).minus(late.get(late.size() / 4));
          log.info(
              "Wait after attempt {}, configured {} ms, jitter {}: {} waits, longer by {} ms"
                  + " (median), {} to {} ms, interquartile range {} ms",
              n,
              backoff.after(n).toMillis(),
              backoff.jitter(),
              late.size(),
              median.toMillis(),
              late.get(0).toMillis(),
              late.get(late.size() - 1).toMillis(),
              range.toMillis());
          if (late.size() < addresses.size() / 4) {
            return; // too few waits fit in the window to say anything of their median or spread
          }
          interquartile.put(n, range);
          Duration tolerance =
              Duration.ofMillis((long) (backoff.after(n).toMillis() * backoff.jitter() / 10));
          assertThat(median)
              .as("median of the waits after attempt %d beyond %s", n, backoff.after(n))
              .isBetween(tolerance.negated(), Duration.ofMillis(1500).plus(tolerance));
        });
    return interquartile;
  }

  /**
   * Waits until every address in {@code accepted} has received its email or {@link #PATIENCE} has
   * passed, then for {@link #SETTLE}, then counts, logs and reports the scenario.
   *
   * @param faultEnded when the fault was over, or null when it lasts (poison addresses)
   */
  private Tally awaitDelivery(
      int number, String scenario, Map<String, Instant> accepted, Instant faultEnded)
      throws InterruptedException, IOException {
    Tally tally = deliveries.await(accepted, faultEnded);
    report(number, scenario, tally);
    return tally;
  }

  private static void report(int number, String scenario, Tally tally) throws IOException {
    String recovery = tally.recovery() == null ? "-" : seconds(tally.recovery());
    log.info(
        "{}. {}: signups={} delivered={} lost={} duplicates={} retried={} max extra delay={} s"
            + " recovery={} s",
        number,
        scenario,
        tally.signups(),
        tally.delivered(),
        tally.lost(),
        tally.duplicates(),
        tally.retried(),
        seconds(tally.maxDelay()),
        recovery);
    String file = System.getProperty("durability.report");
    if (file != null) {
      String row =
          String.join(
              "\t",
              Integer.toString(number),
              scenario,
              Integer.toString(tally.signups()),
              Integer.toString(tally.delivered()),
              Integer.toString(tally.lost()),
              Integer.toString(tally.duplicates()),
              seconds(tally.maxDelay()),
              recovery);
      Files.writeString(
          Path.of(file),
          row + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
    }
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }

  /** Something done to a worker process. */
  @FunctionalInterface
  private interface WorkerFault {
    void apply(AppProcess worker) throws Exception;
  }
}
