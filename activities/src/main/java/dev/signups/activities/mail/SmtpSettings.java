package dev.signups.activities.mail;

import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Properties;

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
    InternetAddress from) {

  /** How the connection to the SMTP server is protected. */
  public enum Security {
    NONE,
    STARTTLS,
    SSL
  }

  boolean authenticates() {
    return username != null && !username.isEmpty();
  }

  String senderDomain() {
    String address = from.getAddress();
    return address.substring(address.lastIndexOf('@') + 1);
  }

  Properties sessionProperties() {
    Properties props = new Properties();
    props.put("mail.transport.protocol", "smtp");
    props.put("mail.smtp.host", host);
    props.put("mail.smtp.port", Integer.toString(port));
    props.put("mail.smtp.auth", Boolean.toString(authenticates()));
    props.put("mail.smtp.connectiontimeout", Long.toString(connectTimeout.toMillis()));
    props.put("mail.smtp.timeout", Long.toString(readTimeout.toMillis()));
    props.put("mail.smtp.writetimeout", Long.toString(writeTimeout.toMillis()));
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
