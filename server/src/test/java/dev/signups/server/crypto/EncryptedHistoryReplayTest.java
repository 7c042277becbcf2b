package dev.signups.server.crypto;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signups.activities.SendEmailActivity;
import dev.signups.server.temporal.ActivityOptionsFactory;
import dev.signups.server.testing.RealServers;
import dev.signups.workflows.SignupWorkflows;
import io.dropwizard.jackson.Jackson;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays histories recorded with payload encryption on against today's workflow code, decrypting
 * them as the worker does, so that a change to the workflow or to the codec that would break the
 * running (encrypted) signups fails the build; and shows that without their key they are not
 * replayed, with an error that names the key.
 *
 * <p>How they were recorded: {@code PayloadEncryptionIT} runs a signup of every outcome (confirmed
 * and welcomed; delivered after a 451; rejected with a 550) through the application on a real
 * Temporal dev server, encrypted with the fixed test key {@code test} of {@link
 * RealServers#PAYLOAD_KEYS}, and writes each signup's {@code temporal workflow show --output json}
 * to {@code server/target/histories-encrypted/}. To record them again, run that test and copy the
 * files into {@code src/test/resources/histories-encrypted/}.
 */
class EncryptedHistoryReplayTest {

  /** A key ring whose only key is not the one the histories were encrypted with. */
  private static final String OTHER_KEY_ONLY =
      "other:" + Base64.getEncoder().encodeToString(new byte[32]);

  /** A key of the same id as the histories' key, {@code test}, but other bytes. */
  private static final String WRONG_TEST_KEY =
      "test:" + Base64.getEncoder().encodeToString(new byte[32]);

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordedHistories")
  void shouldReplayEncryptedHistoriesDecryptedWithTheirKey(Path history) throws Exception {
    replay(history, RealServers.PAYLOAD_KEYS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordedHistories")
  void shouldRefuseToReplayAHistoryWhoseKeyIsGoneNamingTheKey(Path history) {
    assertThatThrownBy(() -> replay(history, OTHER_KEY_ONLY))
        .hasStackTraceContaining(
            "Cannot decrypt a payload encrypted with key 'test': no such key in"
                + " payloadEncryption.keys");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordedHistories")
  void shouldRefuseToReplayAHistoryWithAnotherKeyOfTheSameId(Path history) {
    assertThatThrownBy(() -> replay(history, WRONG_TEST_KEY))
        .hasStackTraceContaining(
            "Cannot decrypt a payload with key 'test': it was altered, or the key is not the one"
                + " used");
  }

  /**
   * Replays {@code history} on a worker whose data converter is the application's, with {@code
   * keys}.
   */
  private static void replay(Path history, String keys) throws Exception {
    PayloadEncryptionFactory encryption =
        Jackson.newObjectMapper()
            .convertValue(Map.of("keys", keys), PayloadEncryptionFactory.class);
    TestEnvironmentOptions options =
        TestEnvironmentOptions.newBuilder()
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder()
                    .setDataConverter(encryption.dataConverter())
                    .build())
            .build();
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options)) {
      Worker worker = env.newWorker("signups");
      SignupWorkflows.register(
          worker,
          Map.of(
              SendEmailActivity.TYPE,
              new ActivityOptionsFactory().build(),
              SendEmailActivity.WELCOME_TYPE,
              new ActivityOptionsFactory().build()));
      worker.replayWorkflowExecution(Files.readString(history));
    }
  }

  static Stream<Path> recordedHistories() throws IOException, URISyntaxException {
    Path directory =
        Path.of(EncryptedHistoryReplayTest.class.getResource("/histories-encrypted").toURI());
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
    }
  }
}
