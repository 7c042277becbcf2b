package dev.signups.activities.testing;

import dev.signups.activities.mail.SmtpSettings;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;

/**
 * {@link SmtpSettings} for a local test server: plain SMTP, no login, short timeouts, and the
 * connection pool of the shipped configuration.
 */
public final class TestSmtpSettings {

  /** The sender of every test email. */
  public static final String FROM = "signups@signups.example";

  /** The right-hand side of every test Message-ID, the domain of {@link #FROM}. */
  public static final String SENDER_DOMAIN = "signups.example";

  /** The connect, read and write timeout. */
  public static final Duration TIMEOUT = Duration.ofMillis(500);

  /** The connection pool of the shipped configuration: 8 idle connections, 30 s, 100 messages. */
  public static final SmtpSettings.Pool POOL =
      new SmtpSettings.Pool(8, Duration.ofSeconds(30), 100);

  private TestSmtpSettings() {}

  /** Settings that reach the server on {@code host}:{@code port}. */
  public static SmtpSettings forServer(String host, int port) {
    return forServer(host, port, TIMEOUT);
  }

  /**
   * Settings that reach the server on {@code host}:{@code port}, with every timeout {@code
   * timeout}.
   */
  public static SmtpSettings forServer(String host, int port, Duration timeout) {
    return forServer(host, port, timeout, POOL);
  }

  /** Settings that reach {@code server} and keep connections as {@code pool} says. */
  public static SmtpSettings forServer(FaultySmtpServer server, SmtpSettings.Pool pool) {
    return forServer(server.host(), server.port(), TIMEOUT, pool);
  }

  private static SmtpSettings forServer(
      String host, int port, Duration timeout, SmtpSettings.Pool pool) {
    try {
      return new SmtpSettings(
          host,
          port,
          SmtpSettings.Security.NONE,
          "",
          "",
          timeout,
          timeout,
          timeout,
          new InternetAddress(FROM, true),
          pool);
    } catch (AddressException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Settings that reach {@code server}. */
  public static SmtpSettings forServer(FaultySmtpServer server) {
    return forServer(server.host(), server.port());
  }
}
