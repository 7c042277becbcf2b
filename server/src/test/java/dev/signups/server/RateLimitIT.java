package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import dev.signups.server.testing.TemporalDevServer;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limits of {@code POST /signups}, on the application from its jar: a client, and a
 * recipient domain, over its limit gets 429 with {@code Retry-After}, the same answer whether the
 * address is new or known, and nothing starts. Limits refill over an hour here, so that none
 * refills during a test and the count of signups let through is exact.
 */
class RateLimitIT {

  private static final Logger log = LoggerFactory.getLogger(RateLimitIT.class);
  private static final int PER_CLIENT = 10;
  private static final int PER_DOMAIN = 15;
  private static final int REQUESTS = 100;
  private static final Pattern REFUSAL =
      Pattern.compile(
          "Too many signups (from this client|for this recipient domain); try again in (\\d+) s");

  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ObjectMapper json = new ObjectMapper();

  @RegisterExtension static final RealServers servers = new RealServers();

  /** Behind a proxy that names the client in {@code X-Forwarded-For}. */
  private static AppProcess proxied;

  /** Reached by clients directly, with no header configured. */
  private static AppProcess direct;

  private static SignupApi api;
  private static WorkflowClient temporal;

  @BeforeAll
  static void startTheApplications() throws Exception {
    proxied =
        servers.startApp(
            Map.of(
                "rateLimits.perClient.requests", Integer.toString(PER_CLIENT),
                "rateLimits.perClient.per", "1h",
                "rateLimits.perDomain.requests", Integer.toString(PER_DOMAIN),
                "rateLimits.perDomain.per", "1h",
                "rateLimits.clientAddressHeader", "X-Forwarded-For"));
    direct =
        servers.startApp(
            Map.of(
                "rateLimits.perClient.requests",
                Integer.toString(PER_CLIENT),
                "rateLimits.perClient.per",
                "1h"));
    api = proxied.api(Duration.ofSeconds(60));
    temporal = WorkflowClient.newInstance(servers.temporal().stubs());
  }

  @AfterAll
  static void stopTheApplications() throws Exception {
    if (temporal != null) {
      temporal.getWorkflowServiceStubs().shutdownNow();
    }
    for (AppProcess app : new AppProcess[] {proxied, direct}) {
      if (app != null) {
        app.close();
      }
    }
  }

  @Test
  void shouldRefuseAClientOverItsLimitAlikeForNewAndKnownAddresses() throws Exception {
    List<String> known = new ArrayList<>();
    for (int i = 0; i < PER_CLIENT; i++) {
      String address = "known-" + i + "@client-known-" + i + ".example";
      assertThat(post(proxied, address, "198.51.100." + (100 + i)).statusCode()).isEqualTo(202);
      known.add(address);
    }
    String client = "203.0.113.7";
    String onlyRefused = api.idOf(known.get(PER_CLIENT - 1));
    byte[] refusedHistory = servers.temporal().settledHistory(onlyRefused, Duration.ofSeconds(60));

    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      boolean isNew = i % 2 == 0;
      String address =
          isNew ? "new-" + i + "@client-new-" + i + ".example" : known.get(i / 2 % PER_CLIENT);
      attempts.add(new Attempt(address, isNew, post(proxied, address, client)));
    }

    assertAcceptedThenRefused(attempts, PER_CLIENT, "from this client");
    HttpResponse<String> spoofed =
        post(proxied, "spoofed@client-spoof.example", "192.0.2.1, " + client);
    assertThat(spoofed.statusCode()).as("a forged first X-Forwarded-For value").isEqualTo(429);
    assertThat(Arrays.equals(servers.temporal().historyBytes(onlyRefused), refusedHistory))
        .as("the history of a known address whose every signup was refused is unchanged")
        .isTrue();
  }

  @Test
  void shouldRefuseADomainOverItsLimitAlikeForNewAndKnownAddresses() throws Exception {
    List<String> known = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String address = "known-" + i + "@crowded.example";
      assertThat(post(proxied, address, "198.51.100." + (200 + i)).statusCode()).isEqualTo(202);
      known.add(address);
    }

    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      boolean isNew = i % 2 == 0;
      String address = isNew ? "new-" + i + "@crowded.example" : known.get(i / 2 % known.size());
      attempts.add(new Attempt(address, isNew, post(proxied, address, "10.20.0." + i)));
    }

    assertAcceptedThenRefused(attempts, PER_DOMAIN - known.size(), "for this recipient domain");
    assertThat(post(proxied, "someone@CROWDED.Example", "10.20.1.1").statusCode())
        .as("the domain in other letters")
        .isEqualTo(429);
  }

  @Test
  void shouldCountEveryRequestOfADirectClientWhateverItsXForwardedFor() throws Exception {
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      String address = "direct-" + i + "@direct-" + i + ".example";
      attempts.add(new Attempt(address, true, post(direct, address, "192.0.2." + i)));
    }

    assertAcceptedThenRefused(attempts, PER_CLIENT, "from this client");
  }

  /**
   * Checks that the first {@code allowed} attempts got 202 and every later one 429 with a {@code
   * Retry-After} and a JSON message saying the limit and when to come back, the same for new and
   * known addresses but for the seconds counting down; and that no refused new address started a
   * signup or got an email.
   */
  private static void assertAcceptedThenRefused(List<Attempt> attempts, int allowed, String limit)
      throws Exception {
    for (Attempt accepted : attempts.subList(0, allowed)) {
      assertThat(accepted.response().statusCode()).as(accepted.address()).isEqualTo(202);
      assertThat(accepted.response().body()).isEqualTo(SignupApi.ACCEPTED);
    }
    Set<String> newAnswers = new TreeSet<>();
    Set<String> knownAnswers = new TreeSet<>();
    Set<Long> retryAfters = new TreeSet<>();
    for (Attempt refused : attempts.subList(allowed, attempts.size())) {
      HttpResponse<String> response = refused.response();
      assertThat(response.statusCode()).as(refused.address()).isEqualTo(429);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode error = json.readTree(response.body());
      assertThat(error.get("code").asInt()).isEqualTo(429);
      Matcher message = REFUSAL.matcher(error.get("message").asText());
      assertThat(message.matches()).as(response.body()).isTrue();
      assertThat(message.group(1)).isEqualTo(limit);
      long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isPositive().isEqualTo(Long.parseLong(message.group(2)));
      retryAfters.add(retryAfter);
      String answer =
          response.statusCode()
              + " "
              + new TreeSet<>(response.headers().map().keySet())
              + " "
              + response.body().replace(message.group(2) + " s", "N s");
      (refused.isNew() ? newAnswers : knownAnswers).add(answer);
      if (refused.isNew()) {
        assertThat(TemporalDevServer.exists(temporal, api.idOf(refused.address())))
            .as(refused.address())
            .isFalse();
        assertThat(servers.smtp().receivedBy(refused.address())).isEmpty();
      }
    }
    log.info(
        "{} signups {}: {} x 202, then {} x 429, Retry-After {} s; {}",
        attempts.size(),
        limit,
        allowed,
        attempts.size() - allowed,
        retryAfters,
        newAnswers);
    assertThat(newAnswers).hasSize(1);
    if (!knownAnswers.isEmpty()) {
      assertThat(knownAnswers).isEqualTo(newAnswers);
    }
  }

  private static HttpResponse<String> post(AppProcess app, String email, String forwardedFor)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/signups"))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", forwardedFor)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"email\":\"" + email + "\",\"name\":\"Rate\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private record Attempt(String address, boolean isNew, HttpResponse<String> response) {}
}
