package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many signups through faults of the mail server, counted as a receiver would: <b>lost</b> is a
 * signup answered 202 whose email never arrived, <b>duplicates</b> are copies beyond the first of
 * one Message-ID. The number of signups is {@code durability.signups} (default 200).
 */
class DurabilityIT {

  private static final Logger log = LoggerFactory.getLogger(DurabilityIT.class);
  private static final int SIGNUPS = Integer.getInteger("durability.signups", 200);
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  @RegisterExtension static final RealServers servers = new RealServers();

  private static AppProcess app;
  private static SignupApi api;

  @BeforeAll
  static void startTheApplication() throws Exception {
    app = servers.startApp(Map.of());
    api = app.api(PATIENCE);
  }

  @AfterAll
  static void stopTheApplication() throws Exception {
    app.close();
  }

  @Test
  void shouldDeliverEverySignupAfterAnSmtpOutage() throws Exception {
    FaultySmtpServer smtp = servers.smtp();
    Duration outage = Duration.ofSeconds(10);
    smtp.failTransactions(421, "4.3.2 Service not available, closing channel");

    Map<String, String> signups = signUp("outage");
    Thread.sleep(outage.toMillis() / 2);
    smtp.reset();
    smtp.rejectGreeting(421, "4.3.2 Too busy");
    Thread.sleep(outage.toMillis() / 2);
    smtp.reset();
    Instant recovered = Instant.now();
    for (String id : signups.values()) {
      api.awaitStatus(id, SignupApi.DELIVERED);
    }

    Tally tally = tally("SMTP outage " + outage.toSeconds() + " s", signups.keySet(), recovered);
    assertThat(tally.lost()).isZero();
    assertThat(tally.duplicates()).isZero();
  }

  @Test
  void shouldFailPoisonAddressesAfterOneAttemptAndDeliverTheRest() throws Exception {
    FaultySmtpServer smtp = servers.smtp();
    int poisoned = Math.max(1, SIGNUPS / 100);
    for (int i = 0; i < poisoned; i++) {
      smtp.rejectRecipient("poison-" + i + "@example.com", 550, "5.1.1 No such user");
    }
    Instant start = Instant.now();

    Map<String, String> signups = signUp("healthy");
    Map<String, String> poison = new LinkedHashMap<>();
    for (int i = 0; i < poisoned; i++) {
      String address = "poison-" + i + "@example.com";
      poison.put(address, api.signUpAccepted(address, "Poison " + i));
    }
    for (String id : poison.values()) {
      JsonNode failed = api.awaitStatus(id, "DELIVERY_FAILED");
      assertThat(failed.get("attempts").asInt()).isEqualTo(1);
      assertThat(failed.get("lastError").asText()).startsWith("550");
    }
    for (String id : signups.values()) {
      JsonNode sent = api.awaitStatus(id, SignupApi.DELIVERED);
      assertThat(sent.get("attempts").asInt()).isEqualTo(1);
    }

    Tally tally = tally(poisoned + " poison addresses", signups.keySet(), start);
    assertThat(tally.lost()).isZero();
    assertThat(tally.duplicates()).isZero();
    assertThat(poison.keySet()).allSatisfy(a -> assertThat(smtp.receivedBy(a)).isEmpty());
  }

  /** Signs up {@link #SIGNUPS} new addresses; returns their ids by address. */
  private static Map<String, String> signUp(String prefix) throws Exception {
    Map<String, String> ids = new LinkedHashMap<>();
    for (int i = 0; i < SIGNUPS; i++) {
      String address = prefix + "-" + i + "@example.com";
      ids.put(address, api.signUpAccepted(address, "Signup " + i));
    }
    return ids;
  }

  private static Tally tally(String scenario, Set<String> addresses, Instant since) {
    List<List<ReceivedMessage>> perSignup =
        addresses.stream().map(servers.smtp()::receivedBy).toList();
    int lost = (int) perSignup.stream().filter(List::isEmpty).count();
    List<ReceivedMessage> all = perSignup.stream().flatMap(List::stream).toList();
    int distinct = (int) all.stream().map(ReceivedMessage::messageId).distinct().count();
    Tally tally =
        new Tally(
            addresses.size(),
            addresses.size() - lost,
            lost,
            all.size() - distinct,
            Duration.between(since, Instant.now()));
    log.info(
        "{}: signups={} delivered={} lost={} duplicates={} drained in {} ms",
        scenario,
        tally.signups(),
        tally.delivered(),
        tally.lost(),
        tally.duplicates(),
        tally.drain().toMillis());
    return tally;
  }

  private record Tally(int signups, int delivered, int lost, int duplicates, Duration drain) {}
}
