package dev.signups.activities.mail;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.signups.activities.EmailRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A subject, a plain-text body and an HTML body, each a Mustache template with {@code
 * {{placeholder}}} slots.
 *
 * <p>Every value is escaped for HTML before it goes into the HTML body; the text body and the
 * subject take values as they are (Jakarta Mail encodes the subject). A slot without a value fails
 * the rendering rather than leaving a gap in the email.
 */
public final class EmailTemplate {

  private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true);
  private static final Mustache.Compiler TEXT = Mustache.compiler().escapeHTML(false);
  private static final DateTimeFormatter EXPIRY_FORMAT =
      DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private final Template subject;
  private final Template text;
  private final Template html;

  EmailTemplate(String subject, String text, String html) {
    this.subject = TEXT.compile(subject);
    this.text = TEXT.compile(text);
    this.html = HTML.compile(html);
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
        fill(subject, values),
        fill(text, values),
        fill(html, values));
  }

  private static String fill(Template template, Map<String, String> values) {
    try {
      return template.execute(values);
    } catch (MustacheException.Context e) {
      throw new IllegalStateException("Template has no value for {{" + e.key + "}}", e);
    }
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
