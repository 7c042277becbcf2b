package dev.signups.server.resources;

import static dev.signups.server.testing.InMemorySignups.signup;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signups.server.core.SignupIds;
import dev.signups.server.testing.InMemorySignups;
import dev.signups.workflows.SignupStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bounces and complaints on the admin port, and the suppression they cause, on the service of
 * {@link InMemorySignups}: a real Jetty in front of an in-memory Temporal server running the real
 * workflow, whose real activity sends to a real SMTP server.
 */
class BounceResourceTest {

  @RegisterExtension static final InMemorySignups signups = new InMemorySignups();

  private static final SignupIds ids = signups.ids();
  private static final ObjectMapper json = new ObjectMapper();
  private static final String ACCEPTED = "{\"status\":\"ACCEPTED\"}";

  @Test
  void shouldSuppressOnAHardBounceSoThatSigningUpAgainSendsNothing() throws Exception {
    String address = "bounced@example.com";
    String id = ids.idFor(address);
    signups.post(signup(address, "Bounced"));
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);

    HttpResponse<String> reported =
        signups.bounce(report(address, "HardBounce", "550 5.1.1 <" + address + ">: No such user"));
    signups.awaitStatus(id, SignupStatus.SUPPRESSED);
    signups.temporal().sleep(Duration.ofMinutes(10));
    HttpResponse<String> again = signups.post(signup(address, "Bounced"));
    signups.temporal().sleep(Duration.ofHours(25));

    assertThat(reported.statusCode()).isEqualTo(202);
    assertThat(reported.body()).isEqualTo(ACCEPTED);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.body()).isEqualTo(ACCEPTED);
    assertThat(signups.smtp().receivedBy(address)).as("no resend, no reminder").hasSize(1);
    JsonNode view = json.readTree(signups.get(id).body());
    assertThat(view.get("status").asText()).isEqualTo("SUPPRESSED");
    assertThat(view.get("lastBounce").asText())
        .isEqualTo("HardBounce (ses): 550 5.1.1 <b***@example.com>: No such user");
  }

  @Test
  void shouldStartASuppressedSignupForAnAddressThatHasNone() throws Exception {
    String address = "complained@example.com";
    String id = ids.idFor(address);

    assertThat(signups.bounce(report(address, "Complaint", null)).statusCode()).isEqualTo(202);
    signups.awaitStatus(id, SignupStatus.SUPPRESSED);
    signups.post(signup(address, "Complained"));
    signups.temporal().sleep(Duration.ofMinutes(1));

    assertThat(signups.smtp().receivedBy(address)).isEmpty();
    assertThat(signups.executionsOf(id)).hasSize(1);
  }

  @Test
  void shouldLiftASuppressionAndGoOnWhereTheSignupWas() throws Exception {
    String address = "lifted@example.com";
    String id = ids.idFor(address);
    signups.post(signup(address, "Lifted"));
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
    signups.bounce(report(address, "HardBounce", "550 no such user"));
    signups.awaitStatus(id, SignupStatus.SUPPRESSED);

    HttpResponse<String> lifted = signups.unsuppress(id);

    assertThat(lifted.statusCode()).isEqualTo(202);
    assertThat(lifted.body()).isEqualTo(ACCEPTED);
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);
  }

  @Test
  void shouldAnswer409ToLiftingASignupThatIsNotSuppressed() throws Exception {
    String address = "not-suppressed@example.com";
    String id = ids.idFor(address);
    signups.post(signup(address, "Waiting"));
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);

    HttpResponse<String> refused = signups.unsuppress(id);

    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(json.readTree(refused.body()).get("message").asText())
        .isEqualTo(
            "Signup "
                + id
                + " is AWAITING_CONFIRMATION; only a SUPPRESSED signup can be unsuppressed");
  }

  @Test
  void shouldAnswer404ToLiftingAnUnknownSignup() throws Exception {
    assertThat(signups.unsuppress(ids.idFor("nobody-at-all@example.com")).statusCode())
        .isEqualTo(404);
    assertThat(signups.unsuppress("signup-xyz").statusCode()).isEqualTo(404);
  }

  @Test
  void shouldOnlyRecordASoftBounce() throws Exception {
    String address = "full@example.com";
    String id = ids.idFor(address);
    signups.post(signup(address, "Full"));
    signups.awaitStatus(id, SignupStatus.AWAITING_CONFIRMATION);

    signups.bounce(report(address, "SoftBounce", "452 4.2.2 Mailbox full"));
    Instant deadline = Instant.now().plusSeconds(10);
    while (signups.state(id).lastBounce() == null && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }

    assertThat(signups.state(id).lastBounce())
        .isEqualTo("SoftBounce (ses): 452 4.2.2 Mailbox full");
    assertThat(signups.state(id).status()).isEqualTo(SignupStatus.AWAITING_CONFIRMATION);
  }

  @Test
  void shouldStartNothingForASoftBounceOfAnAddressWithoutASignup() throws Exception {
    String address = "soft-only@example.com";

    assertThat(signups.bounce(report(address, "SoftBounce", "452")).statusCode()).isEqualTo(202);

    assertThat(signups.executionsOf(ids.idFor(address))).isEmpty();
  }

  static Stream<Arguments> badReports() {
    return Stream.of(
        Arguments.of("address", report("not an address", "HardBounce", null)),
        Arguments.of("address", report(null, "HardBounce", null)),
        Arguments.of("type", report("a@example.com", null, null)),
        Arguments.of("provider", report("a@example.com", "HardBounce", null).put("provider", "")),
        Arguments.of("reason", report("a@example.com", "HardBounce", "x".repeat(501))));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badReports")
  void shouldAnswer422NamingTheFieldOfABadReport(String field, ObjectNode report) throws Exception {
    HttpResponse<String> refused = signups.bounce(report);

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(json.readTree(refused.body()).get("errors"))
        .extracting(JsonNode::asText)
        .anyMatch(error -> error.startsWith(field + " "));
  }

  @Test
  void shouldAnswer400ForAnUnknownType() throws Exception {
    HttpResponse<String> refused = signups.bounce(report("a@example.com", "Bounced", null));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("type");
  }

  private static ObjectNode report(String address, String type, String reason) {
    ObjectNode report = json.createObjectNode().put("provider", "ses");
    report.put("address", address).put("type", type);
    return reason == null ? report : report.put("reason", reason);
  }
}
