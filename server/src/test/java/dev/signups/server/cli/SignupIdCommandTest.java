package dev.signups.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.server.SignupApplication;
import dev.signups.server.core.SignupIds;
import dev.signups.server.testing.RealServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs {@code signup-id} in its own JVM against the shipped config.yml, as an operator would. */
class SignupIdCommandTest {

  private static final String SECRET = "cli-test-secret-of-at-least-32-characters";

  @Test
  void shouldPrintTheIdTheApiGivesTheAddress() throws Exception {
    Result result = signupId("Ada@Example.com");

    assertThat(result.exitCode()).isZero();
    assertThat(result.output().strip()).isEqualTo(new SignupIds(SECRET).idFor("ada@example.com"));
  }

  @Test
  void shouldRefuseSomethingThatIsNotAnAddressNamingTheField() throws Exception {
    Result result = signupId("not an address");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).contains("email is not a valid email address");
    assertThat(result.output()).doesNotContain("\tat ", "Exception");
  }

  private static Result signupId(String email) throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // Without packaging (./mvnw -pl server -am test) the activities test-jar is its
                    // test-classes directory, whose logback-test.xml is a second one on the class
                    // path; Logback would print that warning with its status on standard output.
                    "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                    "-cp",
                    System.getProperty("java.class.path"),
                    SignupApplication.class.getName(),
                    "signup-id",
                    email,
                    "config.yml"))
            .redirectErrorStream(true);
    builder.environment().put("SIGNUP_ID_SECRET", SECRET);
    builder
        .environment()
        .put("CONFIRMATION_TOKEN_SECRET", "cli-test-token-secret-of-32-characters");
    builder.environment().put("PAYLOAD_ENCRYPTION_KEYS", RealServers.PAYLOAD_KEYS);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private record Result(int exitCode, String output) {}
}
