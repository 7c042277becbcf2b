package dev.signups.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.server.core.SignupIds;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignupIdTaskTest {

  private final SignupIds ids = new SignupIds("task-test-secret-of-at-least-32-characters");
  private final SignupIdTask task = new SignupIdTask(ids);

  @Test
  void shouldPrintOneIdPerAddress() {
    String output = run(Map.of("email", List.of("ada@example.com", "GRACE@example.com")));

    assertThat(output.lines())
        .containsExactly(ids.idFor("ada@example.com"), ids.idFor("grace@example.com"));
  }

  @Test
  void shouldSayWhatIsWrongWithABadAddressOrAMissingOne() {
    assertThat(run(Map.of("email", List.of("nope"))))
        .isEqualTo("nope: email is not a valid email address\n");
    assertThat(run(Map.of())).isEqualTo("pass the address as ?email=...\n");
  }

  private String run(Map<String, List<String>> parameters) {
    StringWriter output = new StringWriter();
    task.execute(parameters, new PrintWriter(output, true));
    return output.toString();
  }
}
