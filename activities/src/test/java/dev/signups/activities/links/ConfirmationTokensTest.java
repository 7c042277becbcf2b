package dev.signups.activities.links;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.LinkDigest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConfirmationTokensTest {

  private static final ConfirmationClaim CLAIM =
      new ConfirmationClaim(
          "signup-0123456789abcdef0123456789abcdef", Instant.parse("2026-11-25T21:00:00Z"), 2);

  private final ConfirmationTokens tokens =
      new ConfirmationTokens("token-test-secret-of-at-least-32-chars");

  @Test
  void shouldVerifyTheTokenItIssuedAndReturnItsClaim() {
    String token = tokens.issue(CLAIM);

    assertThat(tokens.verify(token)).contains(CLAIM);
  }

  @Test
  void shouldIssueTheSameTokenForTheSameClaimAndAnotherForAnotherLink() {
    ConfirmationClaim next = new ConfirmationClaim(CLAIM.signupId(), CLAIM.expiresAt(), 3);

    assertThat(tokens.issue(CLAIM)).isEqualTo(tokens.issue(CLAIM)).isNotEqualTo(tokens.issue(next));
  }

  @Test
  void shouldCarryNoAddressAndOnlyUrlSafeCharacters() {
    assertThat(tokens.issue(CLAIM))
        .startsWith(CLAIM.signupId() + "." + CLAIM.expiresAt().getEpochSecond() + ".2.")
        .matches("[A-Za-z0-9._-]+")
        .doesNotContain("@");
  }

  @Test
  void shouldRejectATokenWithAnyCharacterChanged() {
    String token = tokens.issue(CLAIM);
    for (int i = 0; i < token.length(); i++) {
      char replacement = token.charAt(i) == 'A' ? 'B' : 'A';
      String forged = token.substring(0, i) + replacement + token.substring(i + 1);

      assertThat(tokens.verify(forged)).as("changed at %d: %s", i, forged).isEmpty();
    }
  }

  @Test
  void shouldRejectAnExpiryMovedLater() {
    String token = tokens.issue(CLAIM);
    String moved =
        token.replace(
            "." + CLAIM.expiresAt().getEpochSecond() + ".",
            "." + (CLAIM.expiresAt().getEpochSecond() + 86_400) + ".");

    assertThat(tokens.verify(moved)).isEmpty();
  }

  @Test
  void shouldRejectATokenIssuedUnderAnotherKey() {
    String token = new ConfirmationTokens("another-secret-of-at-least-32-chars!!").issue(CLAIM);

    assertThat(tokens.verify(token)).isEmpty();
  }

  @Test
  void shouldRejectMalformedTokens() {
    assertThat(tokens.verify(null)).isEmpty();
    assertThat(tokens.verify("")).isEmpty();
    assertThat(tokens.verify("signup-1.2.3")).isEmpty();
    assertThat(tokens.verify(tokens.issue(CLAIM) + "x")).isEmpty();
    assertThat(tokens.verify("<script>.1.1." + "A".repeat(43))).isEmpty();
  }

  @Test
  void shouldDigestATokenToTheSameValueEveryTimeWithoutRevealingIt() {
    String token = tokens.issue(CLAIM);

    assertThat(LinkDigest.of(token))
        .isEqualTo(LinkDigest.of(token))
        .isNotEqualTo(
            LinkDigest.of(
                tokens.issue(new ConfirmationClaim(CLAIM.signupId(), CLAIM.expiresAt(), 1))))
        .doesNotContain(CLAIM.signupId())
        .hasSize(43);
  }
}
