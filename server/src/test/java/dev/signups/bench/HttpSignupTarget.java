package dev.signups.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code POST /signups} with a JSON body, over pooled HTTP/1.1 connections. */
final class HttpSignupTarget implements SignupTarget {

  private final ExecutorService executor = Executors.newFixedThreadPool(4, Main.daemon("http"));
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(executor)
          .build();

  /** How many refusals each target logs; the report counts them all. */
  private static final int REPORTED = 3;

  private final URI uri;
  private final AtomicInteger reported = new AtomicInteger();

  HttpSignupTarget(int port) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/signups");
  }

  @Override
  public CompletableFuture<Integer> submit(String email, String name) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"email\":\"" + email + "\",\"name\":\"" + name + "\"}"))
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              if (response.statusCode() != ACCEPTED && reported.getAndIncrement() < REPORTED) {
                Main.log(uri + " answered " + response.statusCode() + ": " + response.body());
              }
              return response.statusCode();
            })
        .exceptionally(
            e -> {
              if (reported.getAndIncrement() < REPORTED) {
                Main.log(uri + ": no answer: " + e);
              }
              return NO_ANSWER;
            });
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
