package dev.signups.activities.mail;

import dev.signups.activities.EmailFailure;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Sends email with Jakarta Mail over SMTP, one connection per email, and classifies what went
 * wrong: 4xx replies and network errors may pass, 5xx replies to the sender, the recipient or the
 * message will not.
 */
public final class SmtpEmailSender implements EmailSender {

  private static final Pattern GREETING_REPLY = Pattern.compile("response: ((\\d{3})\\b.*)");

  private final SmtpSettings settings;
  private final Session session;

  public SmtpEmailSender(SmtpSettings settings) {
    this.settings = settings;
    this.session = Session.getInstance(settings.sessionProperties());
  }

  @Override
  public String send(OutgoingEmail email) throws EmailDeliveryException {
    MimeMessage message = compose(email);
    Transport transport = connect();
    try {
      transport.sendMessage(message, message.getAllRecipients());
      return message.getMessageID();
    } catch (MessagingException e) {
      throw classify(e, EmailFailure.DeliveryOutcomeUnknown);
    } finally {
      closeQuietly(transport);
    }
  }

  /** Opens a connection and says EHLO (and logs in, when configured), then closes it. */
  public void checkConnection() throws EmailDeliveryException {
    closeQuietly(connect());
  }

  private Transport connect() throws EmailDeliveryException {
    try {
      Transport transport = session.getTransport();
      if (settings.authenticates()) {
        transport.connect(settings.username(), settings.password());
      } else {
        transport.connect();
      }
      return transport;
    } catch (AuthenticationFailedException e) {
      throw new EmailDeliveryException(
          EmailFailure.TransientEmailFailure, "SMTP authentication failed: " + e.getMessage());
    } catch (MessagingException e) {
      throw classify(e, EmailFailure.TransientEmailFailure);
    }
  }

  private MimeMessage compose(OutgoingEmail email) throws EmailDeliveryException {
    try {
      MimeMessage message =
          new StableIdMessage(
              session, "<" + email.messageKey() + "@" + settings.senderDomain() + ">");
      message.setFrom(settings.from());
      message.setRecipient(
          Message.RecipientType.TO,
          new InternetAddress(
              email.recipient().address(),
              email.recipient().name(),
              StandardCharsets.UTF_8.name()));
      message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
      message.setSentDate(new Date());
      MimeMultipart alternatives = new MimeMultipart("alternative");
      alternatives.addBodyPart(part(email.text(), "plain"));
      alternatives.addBodyPart(part(email.html(), "html"));
      message.setContent(alternatives);
      message.saveChanges();
      return message;
    } catch (MessagingException | UnsupportedEncodingException e) {
      throw new EmailDeliveryException(
          EmailFailure.InvalidEmailRequest, "cannot compose the email: " + e.getMessage());
    }
  }

  private static MimeBodyPart part(String content, String subtype) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setText(content, StandardCharsets.UTF_8.name(), subtype);
    return part;
  }

  /**
   * Classifies by the first SMTP reply code in the exception chain; without one (a network error or
   * a timeout) the failure is {@code withoutReply}.
   */
  private EmailDeliveryException classify(MessagingException e, EmailFailure withoutReply) {
    for (Exception cause = e; cause != null; cause = next(cause)) {
      int code = replyCode(cause);
      if (code >= 500) {
        return new EmailDeliveryException(EmailFailure.PermanentEmailFailure, code, reply(cause));
      }
      if (code >= 400) {
        return new EmailDeliveryException(EmailFailure.TransientEmailFailure, code, reply(cause));
      }
    }
    return new EmailDeliveryException(withoutReply, networkError(e));
  }

  private static int replyCode(Exception e) {
    if (e instanceof SMTPAddressFailedException f) {
      return f.getReturnCode();
    }
    if (e instanceof SMTPSenderFailedException f) {
      return f.getReturnCode();
    }
    if (e instanceof SMTPSendFailedException f) {
      return f.getReturnCode();
    }
    if (e instanceof MessagingException m && m.getMessage() != null) {
      return codeInConnectFailure(m.getMessage());
    }
    return -1;
  }

  /**
   * Angus reports a rejected greeting as "Got bad greeting from SMTP host: h, port: p, response:
   * 421 4.3.2 Too busy", the whole reply after "response: ".
   */
  private static int codeInConnectFailure(String message) {
    Matcher reply = GREETING_REPLY.matcher(message);
    return reply.find() ? Integer.parseInt(reply.group(2)) : -1;
  }

  private String reply(Exception e) {
    String reply = e.getMessage() == null ? "" : e.getMessage().strip();
    Matcher greeting = GREETING_REPLY.matcher(reply);
    if (greeting.find()) {
      return greeting.group(1).strip() + " (greeting from " + hostAndPort() + ")";
    }
    return reply.matches("^\\d{3}[ -].*") ? reply : reply + " (from " + hostAndPort() + ")";
  }

  private String networkError(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String what = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    if (what.strip().equals("[EOF]")) {
      what = "connection closed by the server without a reply";
    }
    return "SMTP " + hostAndPort() + ": " + what.strip();
  }

  private String hostAndPort() {
    return settings.host() + ":" + settings.port();
  }

  private static Exception next(Exception e) {
    if (e instanceof MessagingException m && m.getNextException() != null) {
      return m.getNextException();
    }
    return e.getCause() instanceof Exception cause && cause != e ? cause : null;
  }

  private static void closeQuietly(Transport transport) {
    try {
      transport.close();
    } catch (MessagingException ignored) {
      // The message was accepted, or the failure that matters was already reported.
    }
  }

  /** Keeps the Message-ID it was given, instead of the fresh one Jakarta Mail makes per save. */
  private static final class StableIdMessage extends MimeMessage {
    private final String messageId;

    StableIdMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
