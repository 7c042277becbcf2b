package dev.signups.workflows;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays histories recorded from a real Temporal server against today's workflow code, so a change
 * that would break running signups fails the build. Add a history for every path a change touches,
 * recorded with {@code temporal workflow show -w <id> --output json}, before changing it behind
 * {@code Workflow.getVersion}.
 */
class SignupWorkflowReplayTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordedHistories")
  void shouldReplayRecordedHistoriesDeterministically(Path history) throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker("signups");
      PolicyFixture.register(worker);
      worker.replayWorkflowExecution(Files.readString(history));
    }
  }

  static Stream<Path> recordedHistories() throws IOException, URISyntaxException {
    Path directory = Path.of(SignupWorkflowReplayTest.class.getResource("/histories").toURI());
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
    }
  }
}
