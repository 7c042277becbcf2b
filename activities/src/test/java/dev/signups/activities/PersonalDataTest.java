package dev.signups.activities;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PersonalDataTest {

  @Test
  void shouldMaskAllButTheFirstCharacterOfTheLocalPart() {
    assertThat(PersonalData.maskAddress("ada@example.com")).isEqualTo("a***@example.com");
    assertThat(PersonalData.maskAddress("x@example.com")).isEqualTo("x***@example.com");
    assertThat(PersonalData.maskAddress("not-an-address")).isEqualTo("***");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "550 5.1.1 <nobody@example.com>: No such user|550 5.1.1 <n***@example.com>: No such user",
        "452 4.2.2 ada.lovelace+x@mail.example.co.uk is over quota|"
            + "452 4.2.2 a***@mail.example.co.uk is over quota",
        "550 rejected: a@x.io, b@y.io|550 rejected: a***@x.io, b***@y.io",
        "421 4.7.0 Try again later|421 4.7.0 Try again later",
        "SMTP 127.0.0.1:1025: Connection refused|SMTP 127.0.0.1:1025: Connection refused"
      })
  void shouldMaskEveryAddressInATextAndLeaveTheRest(String text, String masked) {
    assertThat(PersonalData.maskAddresses(text)).isEqualTo(masked);
  }
}
