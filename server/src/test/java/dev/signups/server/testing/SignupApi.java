package dev.signups.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/** The signup HTTP API of a running application, as a client sees it. */
public final class SignupApi {

  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  private final int port;
  private final Duration patience;

  public SignupApi(int port, Duration patience) {
    this.port = port;
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

  /** Signs up, failing unless the signup was accepted (202). */
  public void signUpAccepted(String email, String name) throws IOException, InterruptedException {
    HttpResponse<String> response = signUp(email, name);
    if (response.statusCode() != 202) {
      throw new AssertionError(
          email + ": expected 202, got " + response.statusCode() + response.body());
    }
  }

  /** Signs up and returns the id of the accepted signup. */
  public String idOf(HttpResponse<String> accepted) throws IOException {
    if (accepted.statusCode() != 202) {
      throw new AssertionError("Expected 202, got " + accepted.statusCode() + accepted.body());
    }
    return json.readTree(accepted.body()).get("id").asText();
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

  /** Polls the signup until {@code condition} holds, for at most the patience given. */
  public JsonNode awaitView(String id, Predicate<JsonNode> condition) throws Exception {
    Instant deadline = Instant.now().plus(patience);
    JsonNode view = null;
    while (Instant.now().isBefore(deadline)) {
      view = view(id);
      if (condition.test(view)) {
        return view;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Signup " + id + " never reached the expected state; last: " + view);
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

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + ": " + response.statusCode() + response.body());
    }
    return json.readTree(response.body());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
