package dev.signups.activities;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RecipientTest {

  // 64 + 1 + 189 = 254 characters, the longest address allowed.
  private static final String LONGEST_ADDRESS =
      "a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ada@example.com",
        "ada.lovelace+signups@mail.example.co.uk",
        "o'brien@example.com",
        "ada@[192.168.0.1]"
      })
  void shouldAcceptABareAddress(String address) {
    assertThat(Recipient.addressProblem(address)).isEmpty();
  }

  @Test
  void shouldAcceptAnAddressOf254Characters() {
    assertThat(LONGEST_ADDRESS).hasSize(Recipient.MAX_ADDRESS_LENGTH);
    assertThat(Recipient.addressProblem(LONGEST_ADDRESS)).isEmpty();
  }

  @Test
  void shouldRefuseAnAddressOf255Characters() {
    String tooLong = LONGEST_ADDRESS.replace(".com", "d.com");

    assertThat(Recipient.addressProblem(tooLong)).contains("must be at most 254 characters");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t"})
  void shouldRefuseAnEmptyAddress(String address) {
    assertThat(Recipient.addressProblem(address)).contains("must not be empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ada <ada@example.com>", "<ada@example.com>", "ada@example.com (Ada)"})
  void shouldRefuseAnAddressThatIsNotBare(String address) {
    assertThat(Recipient.addressProblem(address))
        .contains("must be a bare address such as ada@example.com");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ada@@example.com",
        "ada@example..com",
        "ada lovelace@example.com",
        "ada@example.com, bob@example.com",
        "ada@example.com\r\nBcc: evil@example.com",
        "ada@exa\u0000mple.com",
        "@example.com",
        "ada@",
        "ada"
      })
  void shouldRefuseAMalformedAddress(String address) {
    assertThat(Recipient.addressProblem(address)).contains("is not a valid email address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "Ada Lovelace", "Zoë Müller", "李小龍", "O'Brien, \"Bob\" <x>"})
  void shouldAcceptAPrintableName(String name) {
    assertThat(Recipient.nameProblem(name)).isEmpty();
  }

  @Test
  void shouldAcceptANameOf100Characters() {
    assertThat(Recipient.nameProblem("n".repeat(100))).isEmpty();
  }

  @Test
  void shouldRefuseANameOf101Characters() {
    assertThat(Recipient.nameProblem("n".repeat(101))).contains("must be at most 100 characters");
  }

  @ParameterizedTest
  @NullAndEmptySource
  void shouldRefuseAnEmptyName(String name) {
    assertThat(Recipient.nameProblem(name)).contains("must not be empty");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Ada\r\nBcc: evil@example.com",
        "Ada\nLovelace",
        "Ada\rLovelace",
        "Ada\u0000",
        "Ada\tLovelace",
        "Ada\u007f",
        "Ada\u0085"
      })
  void shouldRefuseANameWithControlCharacters(String name) {
    assertThat(Recipient.nameProblem(name))
        .contains("must not contain control characters such as line breaks");
  }

  @Test
  void shouldNameTheAddressFirstWhenBothFieldsAreWrong() {
    assertThat(new Recipient("not an address", "").problem())
        .hasValueSatisfying(problem -> assertThat(problem).startsWith("address "));
  }

  @Test
  void shouldNameTheNameWhenOnlyTheNameIsWrong() {
    assertThat(new Recipient("ada@example.com", "Ada\n").problem())
        .contains("name must not contain control characters such as line breaks");
  }

  @Test
  void shouldHaveNoProblemWhenBothFieldsAreValid() {
    assertThat(new Recipient("ada@example.com", "Ada Lovelace").problem()).isEmpty();
  }
}
