package dev.signups.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignupIdsTest {

  private static final String SECRET = "a-secret-of-at-least-32-characters-long";

  private final SignupIds ids = new SignupIds(SECRET);

  @Test
  void shouldDeriveAnIdOfThePrefixAnd32HexCharacters() {
    assertThat(ids.idFor("ada@example.com")).matches("signup-[0-9a-f]{32}");
  }

  @Test
  void shouldGiveTheSameIdEveryTime() {
    assertThat(ids.idFor("ada@example.com"))
        .isEqualTo(ids.idFor("ada@example.com"))
        .isEqualTo(new SignupIds(SECRET).idFor("ada@example.com"));
  }

  @Test
  void shouldIgnoreTheCaseAndSurroundingSpaceOfTheAddress() {
    assertThat(ids.idFor("ADA@Example.COM"))
        .isEqualTo(ids.idFor("ada@example.com"))
        .isEqualTo(ids.idFor("  ada@example.com "));
  }

  @Test
  void shouldGiveDifferentAddressesDifferentIds() {
    assertThat(ids.idFor("ada@example.com"))
        .isNotEqualTo(ids.idFor("ada@example.org"))
        .isNotEqualTo(ids.idFor("grace@example.com"))
        .isNotEqualTo(ids.idFor("ada+1@example.com"));
  }

  @Test
  void shouldGiveTheSameAddressDifferentIdsUnderDifferentSecrets() {
    SignupIds other = new SignupIds("another-secret-of-at-least-32-characters");

    assertThat(other.idFor("ada@example.com")).isNotEqualTo(ids.idFor("ada@example.com"));
  }

  @Test
  void shouldNotRevealTheAddress() {
    String id = ids.idFor("grace.hopper@navy.example");

    assertThat(id).doesNotContain("grace", "hopper", "navy", "@");
  }

  @Test
  void shouldRecogniseItsOwnIdsAsWellFormed() {
    assertThat(SignupIds.isWellFormed(ids.idFor("ada@example.com"))).isTrue();
    assertThat(SignupIds.isWellFormed("signup-" + "0123456789abcdef".repeat(2))).isTrue();
  }

  @Test
  void shouldRejectAnythingElseAsMalformed() {
    assertThat(SignupIds.isWellFormed(null)).isFalse();
    assertThat(SignupIds.isWellFormed("")).isFalse();
    assertThat(SignupIds.isWellFormed("ada@example.com")).isFalse();
    assertThat(SignupIds.isWellFormed("signup-")).isFalse();
    assertThat(SignupIds.isWellFormed("signup-" + "a".repeat(31))).isFalse();
    assertThat(SignupIds.isWellFormed("signup-" + "a".repeat(33))).isFalse();
    assertThat(SignupIds.isWellFormed("signup-" + "A".repeat(32))).isFalse();
    assertThat(SignupIds.isWellFormed("signup-" + "g".repeat(32))).isFalse();
    assertThat(SignupIds.isWellFormed("Signup-" + "a".repeat(32))).isFalse();
    assertThat(SignupIds.isWellFormed(" signup-" + "a".repeat(32))).isFalse();
    assertThat(SignupIds.isWellFormed("signup-" + "a".repeat(32) + "\n")).isFalse();
  }
}
