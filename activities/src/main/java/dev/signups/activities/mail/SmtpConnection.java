package dev.signups.activities.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * A connection to the SMTP server that counts the messages it carried and remembers whether its
 * last transaction failed at {@code MAIL FROM}, its first command, before anything of the message
 * was sent. Used by one thread at a time.
 */
final class SmtpConnection extends SMTPTransport {

  private int messages;
  private boolean failedAtMailFrom;

  SmtpConnection(Session session) {
    super(session, new URLName("smtp", null, -1, null, null, null));
  }

  @Override
  protected void mailFrom() throws MessagingException {
    try {
      super.mailFrom();
    } catch (MessagingException e) {
      failedAtMailFrom = true;
      throw e;
    }
  }

  /** Sends {@code message} to its recipients, and counts it once the server has accepted it. */
  void deliver(Message message) throws MessagingException {
    sendMessage(message, message.getAllRecipients());
    messages++;
  }

  /** The messages the server accepted on this connection. */
  int messages() {
    return messages;
  }

  /** Whether the failed send failed at {@code MAIL FROM}: the server saw no part of the message. */
  boolean failedAtMailFrom() {
    return failedAtMailFrom;
  }

  /** Says QUIT, without waiting for the reply, and closes the socket. */
  void closeQuietly() {
    try {
      close();
    } catch (MessagingException ignored) {
      // The socket is closed all the same; nothing waits on this connection.
    }
  }
}
