package dev.signups.activities.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.Recipient;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EmailTemplateTest {

  private static final EmailRequest ADA =
      new EmailRequest(
          "signup-1",
          new Recipient("ada@example.com", "Ada Lovelace"),
          EmailKind.CONFIRMATION,
          new ConfirmationClaim("signup-1", Instant.parse("2026-11-25T21:00:00Z"), 1));
  private static final String LINK = "https://signups.example/signups/confirm?token=t&x=1";

  @Test
  void shouldFillTheLinkAndItsExpiryIntoTheConfirmationTemplate() {
    OutgoingEmail email = EmailTemplate.load("confirmation").render(ADA, LINK);

    assertThat(email.messageKey()).isEqualTo("signup-1");
    assertThat(email.recipient()).isEqualTo(ADA.recipient());
    assertThat(email.subject()).isEqualTo("Please confirm your email address");
    assertThat(email.text())
        .startsWith("Hi Ada Lovelace,")
        .contains("Please confirm that ada@example.com is your email address")
        .contains("\n" + LINK + "\n")
        .contains("The link works until 25 November 2026, 21:00 UTC.");
    assertThat(email.html())
        .contains("<p>Hi Ada Lovelace,</p>")
        .contains("<strong>ada@example.com</strong>")
        .contains("href=\"https://signups.example/signups/confirm?token&#x3D;t&amp;x&#x3D;1\"");
    assertThat(email.subject() + email.text() + email.html()).doesNotContain("{{", "}}");
  }

  @Test
  void shouldHaveATemplateForEveryKindOfEmail() {
    for (EmailKind kind : EmailKind.values()) {
      EmailRequest request =
          new EmailRequest(
              "k",
              ADA.recipient(),
              kind,
              kind == EmailKind.CONFIRMATION || kind == EmailKind.REMINDER ? ADA.link() : null);

      OutgoingEmail email = EmailTemplate.load(kind.template()).render(request, LINK);

      assertThat(email.subject() + email.text() + email.html())
          .as(kind.template())
          .contains("Ada Lovelace")
          .doesNotContain("{{", "}}");
    }
  }

  @Test
  void shouldInsertValuesLiterallyEvenWithReplacementSyntax() {
    EmailTemplate template = new EmailTemplate("{{name}}", "Hi {{name}}", "<p>{{name}}</p>");
    EmailRequest request =
        new EmailRequest(
            "k", new Recipient("ada@example.com", "$1 \\{{email}} $name"), EmailKind.WELCOME, null);

    OutgoingEmail email = template.render(request, null);

    assertThat(email.text()).isEqualTo("Hi $1 \\{{email}} $name");
  }

  @Test
  void shouldFailClearlyWhenTheTemplateResourceIsMissing() {
    assertThatThrownBy(() -> EmailTemplate.load("no-such-template"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("No email template resource templates/no-such-template.subject.txt");
  }

  @Test
  void shouldFailClearlyWhenAPlaceholderHasNoValue() {
    EmailTemplate template = new EmailTemplate("Hello", "Your code is {{code}}", "");

    assertThatThrownBy(() -> template.render(ADA, LINK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Template has no value for {{code}}");
  }
}
