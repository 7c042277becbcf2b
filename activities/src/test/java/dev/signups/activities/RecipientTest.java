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
        "x!#$%&'*+/=?^_`{|}~-y@example.com",
        "ada@xn--mnchen-3ya.de",
        "ada@a-b.example.com",
        "ADA@EXAMPLE.COM"
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
  @ValueSource(
      strings = {
        "Ada <ada@example.com>",
        "<ada@example.com>",
        "ada@example.com (Ada)",
        "g: ada@example.com;",
        "undisclosed-recipients:;"
      })
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
        "ada",
        "\"ada lovelace\"@example.com",
        "\"ada\"@example.com",
        ".ada@example.com",
        "ada.@example.com",
        "ada..lovelace@example.com",
        "ada@localhost",
        "ada@-example.com",
        "ada@example-.com",
        "ada@example.com.",
        "ada@exa_mple.com",
        "ada\\@example.com",
        "ada\u007f@example.com"
      })
  void shouldRefuseAMalformedAddress(String address) {
    assertThat(Recipient.addressProblem(address)).contains("is not a valid email address");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ad\u0140@example.com",
        "ada@m\u00fcnchen.de",
        "\u0430da@example.com",
        "ada@\u0435xample.com",
        "ada\u200b@example.com",
        "ada\u202e@example.com",
        "ada@example.com\u00a0",
        "ad\u010a@example.com",
        "ad\u0100@example.com",
        "ada@example.com\u0085"
      })
  void shouldRefuseEveryCharacterOutsideAscii(String address) {
    assertThat(Recipient.addressProblem(address))
        .hasValueSatisfying(problem -> assertThat(problem).startsWith("must contain only ASCII"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ada@[192.168.0.1]", "ada@[IPv6:::1]", "ada@192.168.0.1"})
  void shouldRefuseAnIpAddressForADomain(String address) {
    assertThat(Recipient.addressProblem(address))
        .contains("must have a domain name, not an IP address");
  }

  @Test
  void shouldRefuseALocalPartOver64Characters() {
    assertThat(Recipient.addressProblem("a".repeat(64) + "@example.com")).isEmpty();
    assertThat(Recipient.addressProblem("a".repeat(65) + "@example.com"))
        .contains("must have at most 64 characters before the @");
  }

  @Test
  void shouldRefuseADomainLabelOver63Characters() {
    assertThat(Recipient.addressProblem("ada@" + "b".repeat(63) + ".com")).isEmpty();
    assertThat(Recipient.addressProblem("ada@" + "b".repeat(64) + ".com"))
        .contains("must have domain labels of at most 63 characters");
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

  @Test
  void shouldCountTheCharactersOfANameNotItsUtf16Units() {
    String hundredFaces = "\ud83d\ude00".repeat(100);

    assertThat(hundredFaces).hasSize(200);
    assertThat(Recipient.nameProblem(hundredFaces)).isEmpty();
    assertThat(Recipient.nameProblem(hundredFaces + "x"))
        .contains("must be at most 100 characters");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Ada\u202eecalevol", "Ada\u200bLovelace", "Ada\u2028Lovelace", "\ufeffAda"})
  void shouldRefuseANameWithInvisibleFormattingCharacters(String name) {
    assertThat(Recipient.nameProblem(name))
        .contains(
            "must not contain invisible formatting characters such as bidi or zero-width marks");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ada\ud800", "\udc00Ada"})
  void shouldRefuseANameThatIsNotValidUnicode(String name) {
    assertThat(Recipient.nameProblem(name)).contains("must be valid Unicode text");
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
