package dev.signups.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmailTemplateTest {

  private static final EmailRequest ADA =
      new EmailRequest("signup-1", new Recipient("ada@example.com", "Ada Lovelace"));

  @Test
  void shouldFillThePlaceholdersOfTheConfirmationTemplate() {
    OutgoingEmail email = EmailTemplate.load("confirmation").render(ADA);

    assertThat(email.messageKey()).isEqualTo("signup-1");
    assertThat(email.recipient()).isEqualTo(ADA.recipient());
    assertThat(email.subject()).isEqualTo("Please confirm your email address");
    assertThat(email.text())
        .startsWith("Hi Ada Lovelace,")
        .contains("Please confirm that ada@example.com is your email address.");
    assertThat(email.html())
        .contains("<p>Hi Ada Lovelace,</p>")
        .contains("<strong>ada@example.com</strong>");
    assertThat(email.subject() + email.text() + email.html()).doesNotContain("{{", "}}");
  }

  @Test
  void shouldInsertValuesLiterallyEvenWithReplacementSyntax() {
    EmailTemplate template = new EmailTemplate("{{name}}", "Hi {{name}}", "<p>{{name}}</p>");
    EmailRequest request =
        new EmailRequest("k", new Recipient("ada@example.com", "$1 \\{{email}} $name"));

    OutgoingEmail email = template.render(request);

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

    assertThatThrownBy(() -> template.render(ADA))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Template has no value for {{code}}");
  }
}
