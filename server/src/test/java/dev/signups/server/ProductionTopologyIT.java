package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.AppBuild;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.Backoff;
import dev.signups.server.testing.Deliveries;
import dev.signups.server.testing.Deliveries.Tally;
import dev.signups.server.testing.Inbox;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import dev.signups.server.testing.TemporalCluster;
import dev.signups.server.testing.TemporalCluster.Service;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application as it runs in production, on a real Temporal cluster ({@code scripts/cluster}:
 * PostgreSQL and one process per Temporal service, 4 history shards): one API process and two
 * worker processes, with a 5 s start-to-close timeout and waits of 1 s to 8 s between attempts so
 * that a lost attempt comes back in seconds. First, while 200 signups are being sent, one worker
 * and then the history service are killed with SIGKILL, and the history service is started again:
 * every email arrives, counted at the SMTP server as {@link DurabilityIT} counts it, and every
 * signup is confirmed through the link it was sent. Then the frontend is killed: a signup is
 * answered 503, never 202, until it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionTopologyIT {

  private static final Logger log = LoggerFactory.getLogger(ProductionTopologyIT.class);
  private static final int SIGNUPS = 200;

  /** How long the signups may take to arrive once the faults are over. */
  private static final Duration PATIENCE = Duration.ofSeconds(60 + SIGNUPS / 10);

  /** How long the SMTP server takes over each message while processes are killed. */
  private static final Duration SEND_TIME = Duration.ofMillis(1500);

  /**
   * How long after the last first copy the counting waits for more: a lost attempt comes again
   * after {@link AppProcess#FAST_RETRY}'s 5 s start-to-close timeout and a backoff.
   */
  private static final Duration SETTLE = Duration.ofSeconds(5).plus(Backoff.FAST.maximum());

  /**
   * How long the API may answer 503 once the frontend is back: the Temporal client resets its
   * connection's reconnect backoff every 10 s.
   */
  private static final Duration RECONNECT = Duration.ofSeconds(30);

  private static TemporalCluster cluster;
  private static FaultySmtpServer smtp;
  private static AppProcess apiProcess;
  private static AppProcess doomedWorker;
  private static AppProcess survivingWorker;
  private static SignupApi api;
  private static Inbox inbox;

  @BeforeAll
  static void startTheClusterOneApiAndTwoWorkers() throws Exception {
    cluster = TemporalCluster.start();
    smtp = FaultySmtpServer.start();
    Instant start = Instant.now();
    apiProcess = start("api", Map.of());
    // The workers send the links, which the API process answers.
    Map<String, String> links = Map.of("confirmation.publicBaseUrl", apiProcess.publicBaseUrl());
    doomedWorker = start("worker", links);
    survivingWorker = start("worker", links);
    api = apiProcess.api(PATIENCE);
    inbox = new Inbox(smtp, PATIENCE);
    log.info(
        "One API and two worker processes started in {} ms",
        Duration.between(start, Instant.now()).toMillis());
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (AutoCloseable process :
        new AutoCloseable[] {survivingWorker, doomedWorker, apiProcess, smtp, cluster}) {
      if (process != null) {
        process.close();
      }
    }
  }

  @Test
  @Order(1)
  void shouldDeliverAndConfirmEverySignupWhileAWorkerAndTheHistoryServiceAreKilled()
      throws Exception {
    Deliveries deliveries = new Deliveries(smtp, PATIENCE, SETTLE);
    Instant begun = Instant.now();
    smtp.delayData(SEND_TIME);
    Map<String, Instant> accepted = new LinkedHashMap<>(api.signUpEach("topology", 0, SIGNUPS / 2));
    pauseWhileSending();
    int pendingAtWorkerKill = deliveries.pending(accepted);
    doomedWorker.kill();
    accepted.putAll(api.signUpEach("topology", SIGNUPS / 2, SIGNUPS));
    pauseWhileSending();
    int pendingAtHistoryKill = deliveries.pending(accepted);
    cluster.kill(Service.HISTORY);
    Duration historyStartup = cluster.restart(Service.HISTORY);
    Instant restarted = Instant.now();
    smtp.delayData(Duration.ZERO);
    Tally tally = deliveries.await(accepted, restarted);
    Instant lastRecorded = Instant.MIN;
    for (String address : accepted.keySet()) {
      JsonNode sent = api.awaitStatus(api.idOf(address), SignupApi.DELIVERED);
      Instant recorded = Instant.parse(sent.get("updatedAt").asText());
      lastRecorded = recorded.isAfter(lastRecorded) ? recorded : lastRecorded;
    }

    assertThat(tally.lost()).as("signups answered 202 whose email never arrived").isZero();
    assertThat(tally.retried()).as("signups whose send the worker's kill interrupted").isPositive();

    Instant confirming = Instant.now();
    for (String address : accepted.keySet()) {
      ReceivedMessage email = smtp.receivedBy(address).get(0);
      assertThat(Inbox.subject(email)).isEqualTo(Inbox.CONFIRMATION_SUBJECT);
      HttpResponse<String> page = api.follow(Inbox.link(email));
      assertThat(page.statusCode()).as("%s: %s", address, page.body()).isEqualTo(200);
      assertThat(page.body()).contains("Your address is confirmed");
    }
    for (String address : accepted.keySet()) {
      JsonNode confirmed = api.awaitStatus(api.idOf(address), "CONFIRMED");
      ReceivedMessage welcome = inbox.awaitLatest(address, Inbox.WELCOME_SUBJECT);
      assertThat(confirmed.get("messageId").asText()).isEqualTo(welcome.messageId());
    }
    log.info(
        "Production topology, {} signups, a worker kill -9 with {} and a history kill -9 with {}"
            + " emails not yet at the SMTP server: delivered={}"
            + " lost={} duplicates={} retried={} max delivery delay={} s; history restarted in {}"
            + " ms, then the last copy arrived after {} s and the last send was recorded after {}"
            + " s; all confirmed and welcomed in {} s; {} s in all",
        SIGNUPS,
        pendingAtWorkerKill,
        pendingAtHistoryKill,
        tally.delivered(),
        tally.lost(),
        tally.duplicates(),
        tally.retried(),
        seconds(tally.maxDelay()),
        historyStartup.toMillis(),
        seconds(tally.recovery()),
        seconds(Duration.between(restarted, lastRecorded)),
        seconds(Duration.between(confirming, Instant.now())),
        seconds(Duration.between(begun, Instant.now())));
  }

  @Test
  @Order(2)
  void shouldAnswer503NeverA202WhileTheFrontendIsDownAndAcceptAgainOnceItIsBack() throws Exception {
    cluster.kill(Service.FRONTEND);
    Instant killed = Instant.now();
    HttpResponse<String> whileDown = api.signUp("refused@example.com", "Refused");
    Duration refusedAfter = Duration.between(killed, Instant.now());
    Duration frontendStartup = cluster.restart(Service.FRONTEND);
    Instant restarted = Instant.now();
    int refusedAgain = signUpOnceTheFrontendAnswers("returned@example.com");
    Duration acceptedAfter = Duration.between(restarted, Instant.now());
    String id = api.idOf("returned@example.com");
    ReceivedMessage email = inbox.await("returned@example.com", 1).get(0);
    HttpResponse<String> page = api.follow(Inbox.link(email));
    api.awaitStatus(id, "CONFIRMED");
    log.info(
        "Frontend kill -9: POST answered {} after {} ms; frontend restarted in {} ms; a POST"
            + " answered 202 {} ms later, after {} more 503",
        whileDown.statusCode(),
        refusedAfter.toMillis(),
        frontendStartup.toMillis(),
        acceptedAfter.toMillis(),
        refusedAgain);

    assertThat(whileDown.statusCode()).isEqualTo(503);
    assertThat(whileDown.body()).contains("not recorded");
    assertThat(smtp.receivedBy("refused@example.com")).isEmpty();
    assertThat(page.body()).contains("Your address is confirmed");
  }

  /**
   * Signs {@code address} up, again while the API answers 503: its connection to the frontend may
   * wait out a reconnect backoff begun while the frontend was down.
   *
   * @return how many times the API answered 503 before it answered 202
   */
  private static int signUpOnceTheFrontendAnswers(String address) throws Exception {
    Instant deadline = Instant.now().plus(RECONNECT);
    int refused = 0;
    HttpResponse<String> response = api.signUp(address, "Returned");
    while (response.statusCode() == 503 && Instant.now().isBefore(deadline)) {
      refused++;
      response = api.signUp(address, "Returned");
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return refused;
  }

  private static AppProcess start(String roles, Map<String, String> more) throws Exception {
    Map<String, String> overrides = new HashMap<>(AppProcess.FAST_RETRY);
    overrides.putAll(more);
    overrides.putAll(Backoff.FAST.overrides(AppBuild.current()));
    overrides.put("roles", roles);
    return RealServers.startApp(AppBuild.current(), cluster, smtp, overrides);
  }

  /**
   * Waits a random moment shorter than half of {@link #SEND_TIME}: the messages of the last signups
   * are still being sent.
   */
  private static void pauseWhileSending() throws InterruptedException {
    Thread.sleep(ThreadLocalRandom.current().nextLong(SEND_TIME.toMillis() / 2));
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }
}
