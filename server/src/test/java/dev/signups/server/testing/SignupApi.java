package dev.signups.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.server.core.SignupIds;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The signup HTTP API of a running application, as a client sees it: the public port for signups
 * and confirmation pages, the admin port for the operators' reads and re-drives.
 */
public final class SignupApi {

  /** The status of a signup once the mail server accepted its confirmation email. */
  public static final String DELIVERED = "AWAITING_CONFIRMATION";

  /** What {@code POST /signups} answers for every valid signup, known address or not. */
  public static final String ACCEPTED = "{\"status\":\"ACCEPTED\"}";

  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  private final int port;
  private final int adminPort;
  private final SignupIds ids;
  private final Duration patience;

  /**
   * @param signupIdSecret the application's {@code signupIdSecret}, from which the ids of addresses
   *     are computed here, since the API never tells them
   */
  public SignupApi(int port, int adminPort, String signupIdSecret, Duration patience) {
    this.port = port;
    this.adminPort = adminPort;
    this.ids = new SignupIds(signupIdSecret);
    this.patience = patience;
  }

  public HttpResponse<String> signUp(String email, String name)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri("/signups"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    json.writeValueAsString(Map.of("email", email, "name", name))))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Signs up, checks that the answer is the one every signup gets, and returns the id of the
   * signup.
   */
  public String signUpAccepted(String email, String name) throws IOException, InterruptedException {
    HttpResponse<String> accepted = signUp(email, name);
    if (accepted.statusCode() != 202 || !accepted.body().equals(ACCEPTED)) {
      throw new AssertionError("Expected 202 " + ACCEPTED + ", got " + describe(accepted));
    }
    return idOf(email);
  }

  /**
   * Signs up {@code prefix-i@example.com}, named "Signup i", for each i from {@code from} to {@code
   * to} (exclusive), one after another. Only the status is checked, so that any version's 202
   * counts.
   *
   * @return when each address was answered 202, in the order signed up
   */
  public Map<String, Instant> signUpEach(String prefix, int from, int to)
      throws IOException, InterruptedException {
    Map<String, Instant> accepted = new LinkedHashMap<>();
    for (int i = from; i < to; i++) {
      String address = prefix + "-" + i + "@example.com";
      HttpResponse<String> response = signUp(address, "Signup " + i);
      if (response.statusCode() != 202) {
        throw new AssertionError(address + ": expected 202, got " + describe(response));
      }
      accepted.put(address, Instant.now());
    }
    return accepted;
  }

  /** The id of the signup of {@code email}. */
  public String idOf(String email) {
    return ids.idFor(email);
  }

  /** Opens a link from an email, as a browser would, without following redirects. */
  public HttpResponse<String> open(URI link) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Follows a link from an email as its owner does: opens it and, when its page asks, presses
   * "Confirm my address". Returns the last page.
   */
  public HttpResponse<String> follow(URI link) throws IOException, InterruptedException {
    HttpResponse<String> page = open(link);
    if (page.statusCode() != 200 || !page.body().contains("action=\"confirm\"")) {
      return page;
    }
    return confirm(Inbox.token(link));
  }

  /** Submits the form of a link's page, which confirms. */
  public HttpResponse<String> confirm(String token) throws IOException, InterruptedException {
    return postForm("/signups/confirm", token);
  }

  /** Submits the form of the "link expired" page, which asks for a new link. */
  public HttpResponse<String> renew(String token) throws IOException, InterruptedException {
    return postForm("/signups/confirm/renew", token);
  }

  private HttpResponse<String> postForm(String path, String token)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Re-drives a signup whose delivery failed, on the admin port. */
  public HttpResponse<String> retry(String id) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(adminUri("/signups/" + id + "/retry"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public JsonNode view(String id) throws IOException, InterruptedException {
    return get("/signups/" + id);
  }

  public JsonNode list(String status) throws IOException, InterruptedException {
    return get("/signups?status=" + status + "&pageSize=100");
  }

  public JsonNode awaitStatus(String id, String status) throws Exception {
    return awaitView(id, view -> view.get("status").asText().equals(status));
  }

  /**
   * Polls the signup until {@code condition} holds, for at most the patience given. An answer other
   * than 200 counts as not yet: just after a worker starts or dies, a read can fail until a worker
   * polls ("no poller seen for task queue recently").
   */
  public JsonNode awaitView(String id, Predicate<JsonNode> condition) throws Exception {
    Instant deadline = Instant.now().plus(patience);
    Object last = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = getAdmin("/signups/" + id);
      if (response.statusCode() == 200) {
        JsonNode view = json.readTree(response.body());
        if (condition.test(view)) {
          return view;
        }
        last = view;
      } else {
        last = describe(response);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Signup " + id + " never reached the expected state; last: " + last);
  }

  /** Waits for Temporal's visibility store, which trails the workflows, to list {@code id}. */
  public JsonNode awaitListed(String status, String id) throws Exception {
    Instant deadline = Instant.now().plus(patience);
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode signup : list(status).get("signups")) {
        if (signup.get("id").asText().equals(id)) {
          if (!signup.get("status").asText().equals(status)) {
            throw new AssertionError(id + " listed under " + status + " as " + signup);
          }
          return signup;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + " never listed under " + status);
  }

  /** What {@code GET path} on the admin port answers, whatever its status. */
  public HttpResponse<String> getAdmin(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(adminUri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = getAdmin(path);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + ": " + describe(response));
    }
    return json.readTree(response.body());
  }

  private static String describe(HttpResponse<String> response) {
    return response.statusCode() + " " + response.body();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + adminPort + path);
  }
}
