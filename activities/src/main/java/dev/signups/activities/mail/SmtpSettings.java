package dev.signups.activities.mail;

import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How {@link SmtpEmailSender} reaches its mail server.
 *
 * @param host the SMTP server's host name
 * @param port its port
 * @param security plain, STARTTLS (required, not opportunistic) or implicit TLS
 * @param username the login, or empty for no authentication
 * @param password the password for {@code username}
 * @param connectTimeout how long to wait for the TCP connection
 * @param readTimeout how long to wait for each reply
 * @param writeTimeout how long to wait for each write
 * @param from the sender, whose domain is also the right-hand side of every Message-ID
 * @param pool how many connections are kept for later emails, and for how long
 */
public record SmtpSettings(
    String host,
    int port,
    Security security,
    String username,
    String password,
    Duration connectTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    InternetAddress from,
    Pool pool) {

  /** How the connection to the SMTP server is protected. */
  public enum Security {
    NONE,
    STARTTLS,
    SSL
  }

  /**
   * Which connections {@link SmtpEmailSender} keeps open after a successful send, for the next
   * email to reuse.
   *
   * @param maxIdleConnections the most connections kept idle at once; 0 connects for every email
   * @param maxIdleTime how long a connection may wait idle and still be reused; greater than zero
   * @param maxMessagesPerConnection the most emails one connection carries; at least 1
   */
  public record Pool(int maxIdleConnections, Duration maxIdleTime, int maxMessagesPerConnection) {

    public Pool {
      if (maxIdleConnections < 0) {
        throw new IllegalArgumentException(
            "maxIdleConnections must not be negative: " + maxIdleConnections);
      }
      if (maxIdleTime.isNegative() || maxIdleTime.isZero()) {
        throw new IllegalArgumentException("maxIdleTime must be greater than zero: " + maxIdleTime);
      }
      if (maxMessagesPerConnection < 1) {
        throw new IllegalArgumentException(
            "maxMessagesPerConnection must be at least 1: " + maxMessagesPerConnection);
      }
    }
  }

  boolean authenticates() {
    return username != null && !username.isEmpty();
  }

  String senderDomain() {
    String address = from.getAddress();
    return address.substring(address.lastIndexOf('@') + 1);
  }

  /**
   * The session's properties. Every connection's write timeout is enforced by a task on {@code
   * writeTimeouts}; without it, Angus starts a thread per connection.
   */
  Properties sessionProperties(ScheduledExecutorService writeTimeouts) {
    Properties props = new Properties();
    props.put("mail.transport.protocol", "smtp");
    props.put("mail.smtp.host", host);
    props.put("mail.smtp.port", Integer.toString(port));
    props.put("mail.smtp.auth", Boolean.toString(authenticates()));
    props.put("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
    props.put("mail.smtp.timeout", Long.toString(readTimeout.toMillis()));
    props.put("mail.smtp.writetimeout", Long.toString(writeTimeout.toMillis()));
    props.put("mail.smtp.executor.writetimeout", writeTimeouts);
    // Closing sends QUIT without waiting for the reply, as Postfix does: a connection the server
    // dropped while idle would otherwise hold its sender for the read timeout.
    props.put("mail.smtp.quitwait", "false");
    props.put("mail.smtp.from", from.getAddress());
    switch (security) {
      case STARTTLS -> {
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.checkserveridentity", "true");
      }
      case SSL -> {
        props.put("mail.smtp.ssl.enable", "true");
        props.put("mail.smtp.ssl.checkserveridentity", "true");
      }
      case NONE -> {}
    }
    return props;
  }
}
