package dev.signups.activities.mail;

import dev.signups.activities.EmailFailure;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.StreamProvider;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailStreamProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends email with Jakarta Mail over SMTP and classifies what went wrong: 4xx replies and network
 * errors may pass, 5xx replies to the sender, the recipient or the message will not.
 *
 * <p>A connection that has sent a message waits, connected, for the next email ({@link
 * SmtpSettings.Pool}), which then costs {@code MAIL}, {@code RCPT}, {@code DATA} and the message
 * instead of a new connection, greeting, {@code EHLO}, TLS handshake and login too. A connection on
 * which anything failed is closed, never reused. When a connection taken from the pool fails at
 * {@code MAIL FROM} without a reply, or with the 421 of a server closing it, the server most likely
 * closed it while it waited: the email goes once more over a new connection, which is safe as the
 * server saw none of it. Any other failure, and every failure after {@code MAIL FROM}, is reported
 * as it would be on a new connection, never resent here.
 *
 * <p>Safe for concurrent use: a connection serves one send at a time. {@link #close} closes the
 * idle connections and the thread that enforces write timeouts, once no send is under way.
 */
public final class SmtpEmailSender implements EmailSender, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SmtpEmailSender.class);

  private static final Pattern GREETING_REPLY = Pattern.compile("response: ((\\d{3})\\b.*)");

  /** The reply of a server closing the connection: service not available, closing channel. */
  private static final int CLOSING = 421;

  static {
    // Jakarta Mail 2.1 finds its StreamProvider with a ServiceLoader, reading the jars of the class
    // path, each time a MimeBodyPart or MimeMultipart is made (jakartaee/mail-api#699, fixed in
    // 2.2): a twentieth of a worker's CPU. Named, the provider is one Class.forName.
    System.getProperties()
        .putIfAbsent(StreamProvider.class.getName(), MailStreamProvider.class.getName());
  }

  private final SmtpSettings settings;
  private final ScheduledExecutorService writeTimeouts;
  private final Session session;
  private final SmtpConnections connections;

  public SmtpEmailSender(SmtpSettings settings) {
    this.settings = settings;
    this.writeTimeouts = writeTimeoutExecutor("smtp-write-timeouts-" + hostAndPort());
    this.session = Session.getInstance(settings.sessionProperties(writeTimeouts));
    this.connections = new SmtpConnections(settings.pool());
  }

  @Override
  public String send(OutgoingEmail email) throws EmailDeliveryException {
    MimeMessage message = compose(email);
    SmtpConnection pooled = connections.take();
    if (pooled != null) {
      try {
        return sendOn(pooled, message);
      } catch (MessagingException e) {
        if (!closedWhileIdle(pooled, e)) {
          throw classify(e, EmailFailure.DeliveryOutcomeUnknown);
        }
        log.debug(
            "Sending again on a new connection: the reused one failed at MAIL FROM with {}",
            classify(e, EmailFailure.TransientEmailFailure).getMessage());
      }
    }
    try {
      return sendOn(connect(), message);
    } catch (MessagingException e) {
      throw classify(e, EmailFailure.DeliveryOutcomeUnknown);
    }
  }

  /** Opens a connection and says EHLO (and logs in, when configured), then closes it. */
  public void checkConnection() throws EmailDeliveryException {
    connect().closeQuietly();
  }

  /**
   * Closes the idle connections and stops the thread that times writes out. Call it once no send is
   * under way: a send still running fails at its next write.
   */
  @Override
  public void close() {
    connections.close();
    writeTimeouts.shutdownNow();
  }

  /** The connections waiting idle for the next email now. */
  int idleConnections() {
    return connections.idle();
  }

  /**
   * Sends {@code message} over {@code connection}, which then waits for the next email or is
   * closed; after a failure it is closed.
   */
  private String sendOn(SmtpConnection connection, MimeMessage message) throws MessagingException {
    try {
      connection.deliver(message);
    } catch (MessagingException | RuntimeException e) {
      connection.closeQuietly();
      throw e;
    }
    connections.release(connection);
    return message.getMessageID();
  }

  /**
   * Whether {@code connection} failed as a connection fails that the server closed while it waited
   * in the pool: at {@code MAIL FROM}, without a reply (the end of the stream, a reset, a timeout)
   * or with the 421 a server sends as it closes the connection.
   */
  private static boolean closedWhileIdle(SmtpConnection connection, MessagingException e) {
    if (!connection.failedAtMailFrom()) {
      return false;
    }
    Exception rejection = rejection(e);
    return rejection == null || replyCode(rejection) == CLOSING;
  }

  private SmtpConnection connect() throws EmailDeliveryException {
    SmtpConnection connection = new SmtpConnection(session);
    try {
      if (settings.authenticates()) {
        connection.connect(settings.username(), settings.password());
      } else {
        connection.connect();
      }
      return connection;
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
    Exception rejection = rejection(e);
    if (rejection == null) {
      return new EmailDeliveryException(withoutReply, networkError(e));
    }
    int code = replyCode(rejection);
    EmailFailure failure =
        code >= 500 ? EmailFailure.PermanentEmailFailure : EmailFailure.TransientEmailFailure;
    return new EmailDeliveryException(failure, code, reply(rejection));
  }

  /** The first exception in {@code e}'s chain with a 4xx or 5xx reply, or null when none has. */
  private static Exception rejection(MessagingException e) {
    for (Exception cause = e; cause != null; cause = next(cause)) {
      if (replyCode(cause) >= 400) {
        return cause;
      }
    }
    return null;
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

  /**
   * One daemon thread for the write timeouts of every connection, where Angus would start one per
   * connection. Each write schedules a task and cancels it once written; cancelled tasks leave the
   * queue at once, not when their timeout would have passed.
   */
  private static ScheduledExecutorService writeTimeoutExecutor(String threadName) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, threadName);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
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
