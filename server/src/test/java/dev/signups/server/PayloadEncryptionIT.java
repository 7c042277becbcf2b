package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.signups.server.crypto.EncryptionCodec;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.EveryOutcome;
import dev.signups.server.testing.EveryOutcome.Signup;
import dev.signups.server.testing.Inbox;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import io.temporal.common.converter.DefaultDataConverter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Temporal holds of a signup, proven on real processes after a signup of every outcome (one
 * confirmed, one delivered after a 451 and one rejected with a 550, both replies echoing the
 * address): no address or name, in any case or as findable base64, in any file of the dev server
 * (its SQLite database, with any journal, write-ahead log and shared-memory file, and its log) nor
 * in what {@code temporal workflow show} and {@code describe} print; the application still reads
 * each signup; its keys rotate across a restart, and a removed key is named, never guessed at; its
 * codec endpoint serves its own namespace, to callers with its token.
 *
 * <p>It also records the encrypted histories of the run into {@code target/histories-encrypted/},
 * which {@link dev.signups.server.crypto.EncryptedHistoryReplayTest} replays from copies in its
 * resources.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PayloadEncryptionIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String CODEC_TOKEN = "operators-codec-token";

  /** The key a rotation puts first: {@code new}, 32 bytes. */
  private static final String NEW_KEY =
      "new:"
          + Base64.getEncoder()
              .encodeToString(
                  "new-key-of-thirty-two-bytes-!!!!".getBytes(StandardCharsets.US_ASCII));

  private static final String MISSING_KEY =
      "Cannot decrypt a payload encrypted with key 'test': no such key in"
          + " payloadEncryption.keys; add it back as a retired key";

  private static final Path RECORDED = Path.of("target", "histories-encrypted");
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient http = HttpClient.newHttpClient();

  @RegisterExtension static final RealServers servers = new RealServers();

  private static AppProcess app;
  private static EveryOutcome signups;

  /** What the CLI printed of each signup, by the command that printed it. */
  private static final Map<String, String> printed = new LinkedHashMap<>();

  @BeforeAll
  static void runSignupsThroughEveryOutcome() throws Exception {
    app = servers.startApp(Map.of("CODEC_TOKEN", CODEC_TOKEN), Map.of());
    signups = EveryOutcome.run(app, servers.smtp(), PATIENCE);
    for (Signup signup : signups.signups()) {
      for (List<String> command :
          List.of(
              List.of("workflow", "show", "--workflow-id", signup.id(), "--output", "json"),
              List.of("workflow", "describe", "--workflow-id", signup.id()),
              List.of("workflow", "describe", "--workflow-id", signup.id(), "--output", "json"))) {
        printed.put(
            String.join(" ", command), servers.temporal().cli(command.toArray(String[]::new)));
      }
    }
    Files.createDirectories(RECORDED);
    Map<String, Signup> histories =
        Map.of(
            "confirmed", signups.confirmed(),
            "sent-after-retry", signups.retried(),
            "delivery-failed", signups.rejected());
    for (Map.Entry<String, Signup> history : histories.entrySet()) {
      Files.writeString(RECORDED.resolve(history.getKey() + ".json"), show(history.getValue()));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @Test
  void shouldKeepAddressesAndNamesOutOfEveryFileTheTemporalServerWrites() throws Exception {
    List<Path> files = servers.temporal().files();
    StringBuilder stored = new StringBuilder();
    for (Path file : files) {
      stored.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
    }

    assertThat(leaks(stored.toString())).as("personal data in %s", files).isEmpty();
    assertThat(files).contains(servers.temporal().database());
    assertThat(stored)
        .as("the files hold the signups, their statuses and their encrypted payloads")
        .contains(signups.retried().id(), "AWAITING_CONFIRMATION", EncryptionCodec.ENCODING);
  }

  @Test
  void shouldKeepAddressesAndNamesOutOfWhatTheCliShowsOfEachSignup() {
    for (Map.Entry<String, String> output : printed.entrySet()) {
      assertThat(leaks(output.getValue()))
          .as("personal data in temporal %s", output.getKey())
          .isEmpty();
    }
    for (Signup signup : signups.signups()) {
      assertThat(printed.get("workflow show --workflow-id " + signup.id() + " --output json"))
          .contains(base64(EncryptionCodec.ENCODING), "\"" + EncryptionCodec.KEY_ID + "\"");
    }
  }

  @Test
  void shouldFindAnAddressInTheBase64OfAnInputThatIsNotEncrypted() throws Exception {
    String address = signups.retried().email();
    for (String shift : List.of("", "x", "xy")) {
      String unencrypted =
          JsonFormat.printer()
              .print(
                  DefaultDataConverter.STANDARD_INSTANCE
                      .toPayload(Map.of("email", shift + address))
                      .get());

      assertThat(leaks(unencrypted)).as(unencrypted).contains(address);
    }
  }

  @Test
  void shouldStillReadTheStateOfEachSignup() throws Exception {
    SignupApi api = app.api(PATIENCE);

    assertThat(api.view(signups.confirmed().id()).get("status").asText()).isEqualTo("CONFIRMED");
    JsonNode retried = api.view(signups.retried().id());
    assertThat(retried.get("status").asText()).isEqualTo(SignupApi.DELIVERED);
    assertThat(retried.get("attempts").asInt()).isEqualTo(2);
    JsonNode rejected = api.view(signups.rejected().id());
    assertThat(rejected.get("status").asText()).isEqualTo("DELIVERY_FAILED");
    assertThat(rejected.get("lastError").asText())
        .isEqualTo("550 5.1.1 <n***@example.com>: No such user");
    assertThat(
            api.awaitListed("DELIVERY_FAILED", signups.rejected().id()).get("lastError").asText())
        .isEqualTo("550 5.1.1 <n***@example.com>: No such user");
  }

  @Test
  void shouldDecodeThroughTheCodecEndpointForItsNamespaceWithItsToken() throws Exception {
    HttpResponse<String> decoded = decode("default", "Bearer " + CODEC_TOKEN);

    assertThat(decoded.statusCode()).as(decoded.body()).isEqualTo(200);
    String data = json.readTree(decoded.body()).at("/payloads/0/data").asText();
    assertThat(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8))
        .contains(signups.retried().email(), signups.retried().name());
  }

  @Test
  void shouldRefuseToDecodeForAnotherNamespace() throws Exception {
    assertThat(decode("another", "Bearer " + CODEC_TOKEN).statusCode()).isEqualTo(403);
  }

  @Test
  void shouldRefuseToDecodeWithoutItsToken() throws Exception {
    assertThat(decode("default", null).statusCode()).isEqualTo(401);
    assertThat(decode("default", "Bearer not-" + CODEC_TOKEN).statusCode()).isEqualTo(401);
  }

  /** Last: it restarts the application twice, with other keys. */
  @Test
  @Order(Order.DEFAULT + 1)
  void shouldReadOldSignupsAfterAKeyRotationAndNameTheirKeyOnceItIsGone() throws Exception {
    restartWithKeys(NEW_KEY + "," + RealServers.PAYLOAD_KEYS);
    SignupApi api = app.api(PATIENCE);

    api.awaitStatus(signups.confirmed().id(), "CONFIRMED");
    api.awaitStatus(signups.rejected().id(), "DELIVERY_FAILED");
    api.awaitStatus(signups.retried().id(), SignupApi.DELIVERED);
    assertThat(api.confirm(Inbox.token(signups.retried().link())).body())
        .contains("Your address is confirmed");
    api.awaitStatus(signups.retried().id(), "CONFIRMED");
    String fresh = api.signUpAccepted("katherine.johnson@example.com", "Katherine Johnson");
    api.awaitStatus(fresh, SignupApi.DELIVERED);
    assertThat(inputKeyId(fresh)).isEqualTo("new");
    assertThat(inputKeyId(signups.retried().id())).isEqualTo("test");

    restartWithKeys(NEW_KEY);
    api = app.api(PATIENCE);

    api.awaitStatus(fresh, SignupApi.DELIVERED);
    for (Signup old : signups.signups()) {
      HttpResponse<String> unreadable = api.getAdmin("/signups/" + old.id());
      assertThat(unreadable.statusCode()).as(unreadable.body()).isEqualTo(500);
      assertThat(json.readTree(unreadable.body()).get("message").asText()).isEqualTo(MISSING_KEY);
    }
    HttpResponse<String> listed = api.getAdmin("/signups?status=DELIVERY_FAILED");
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(500);
    assertThat(json.readTree(listed.body()).get("message").asText()).isEqualTo(MISSING_KEY);
  }

  private static void restartWithKeys(String keys) throws Exception {
    app.terminate(PATIENCE);
    app.close();
    app =
        servers.startApp(
            Map.of("PAYLOAD_ENCRYPTION_KEYS", keys, "CODEC_TOKEN", CODEC_TOKEN), Map.of());
  }

  /**
   * The personal data of the run that {@code text} holds: an address, a name or a token in any
   * case, or an address or name as base64, as the CLI prints a payload's data.
   */
  private static List<String> leaks(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>();
    for (String personal : signups.personalData()) {
      if (lower.contains(personal.toLowerCase(Locale.ROOT))
          || base64Forms(personal).stream().anyMatch(text::contains)) {
        found.add(personal);
      }
    }
    return found;
  }

  /**
   * What the base64 of any text holding {@code text} shows of it, for each of the three offsets it
   * may sit at: the characters encoding only its own bytes.
   */
  private static List<String> base64Forms(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<String> forms = new ArrayList<>();
    for (int offset = 0; offset < 3; offset++) {
      byte[] shifted = new byte[offset + bytes.length];
      System.arraycopy(bytes, 0, shifted, offset, bytes.length);
      String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
      int start = offset == 0 ? 0 : 4;
      int end = shifted.length / 3 * 4;
      if (end > start) {
        forms.add(encoded.substring(start, end));
      }
    }
    return forms;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String show(Signup signup) {
    return printed.get("workflow show --workflow-id " + signup.id() + " --output json");
  }

  /** The id of the key the input of signup {@code id}'s latest run was encrypted with. */
  private static String inputKeyId(String id) throws Exception {
    JsonNode started =
        json.readTree(
                servers.temporal().cli("workflow", "show", "--workflow-id", id, "--output", "json"))
            .at("/events/0/workflowExecutionStartedEventAttributes/input/payloads/0/metadata");
    return new String(
        Base64.getDecoder().decode(started.get(EncryptionCodec.KEY_ID).asText()),
        StandardCharsets.UTF_8);
  }

  /**
   * Asks the codec endpoint to decode the retried signup's input, as a Web UI of {@code namespace}
   * does, with {@code authorization} (or none).
   */
  private static HttpResponse<String> decode(String namespace, String authorization)
      throws Exception {
    JsonNode input =
        json.readTree(show(signups.retried()))
            .at("/events/0/workflowExecutionStartedEventAttributes/input");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(app.codecEndpoint() + "/decode"))
            .header("Content-Type", "application/json")
            .header("X-Namespace", namespace)
            .POST(HttpRequest.BodyPublishers.ofString(input.toString()));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
