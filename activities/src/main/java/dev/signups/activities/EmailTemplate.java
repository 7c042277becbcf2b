package dev.signups.activities;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subject, a plain-text body and an HTML body with {@code {{placeholder}}} slots.
 *
 * <p>Every value is escaped for HTML before it goes into the HTML body; the text body and the
 * subject take values as they are (Jakarta Mail encodes the subject).
 */
public final class EmailTemplate {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");
  private static final DateTimeFormatter EXPIRY_FORMAT =
      DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private final String subject;
  private final String text;
  private final String html;

  EmailTemplate(String subject, String text, String html) {
    this.subject = subject;
    this.text = text;
    this.html = html;
  }

  /**
   * Loads the template {@code name} from the classpath: {@code templates/<name>.subject.txt},
   * {@code templates/<name>.txt} and {@code templates/<name>.html} beside this class.
   */
  public static EmailTemplate load(String name) {
    return new EmailTemplate(
        resource("templates/" + name + ".subject.txt").strip(),
        resource("templates/" + name + ".txt"),
        resource("templates/" + name + ".html"));
  }

  /**
   * Fills the template for {@code request}: {@code {{name}}} and {@code {{email}}} from its
   * recipient and, when it has a link, {@code {{link}}} with {@code linkUrl} and {@code
   * {{expires}}} with the link's expiry.
   */
  public OutgoingEmail render(EmailRequest request, String linkUrl) {
    Map<String, String> values = new HashMap<>();
    values.put("name", request.recipient().name());
    values.put("email", request.recipient().address());
    if (request.link() != null) {
      values.put("link", linkUrl);
      values.put("expires", EXPIRY_FORMAT.format(request.link().expiresAt()));
    }
    return new OutgoingEmail(
        request.messageKey(),
        request.recipient(),
        fill(subject, values, UnaryOperator.identity()),
        fill(text, values, UnaryOperator.identity()),
        fill(html, values, EmailTemplate::escapeHtml));
  }

  static String escapeHtml(String value) {
    StringBuilder escaped = new StringBuilder(value.length() + 16);
    for (char c : value.toCharArray()) {
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }

  private static String fill(
      String template, Map<String, String> values, UnaryOperator<String> escape) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder filled = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalStateException("Template has no value for {{" + matcher.group(1) + "}}");
      }
      matcher.appendReplacement(filled, Matcher.quoteReplacement(escape.apply(value)));
    }
    return matcher.appendTail(filled).toString();
  }

  private static String resource(String path) {
    try (InputStream in = EmailTemplate.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("No email template resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
