package dev.signups.activities.testing;

import dev.signups.activities.mail.SmtpSettings;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;

/** {@link SmtpSettings} for a local test server: plain SMTP, no login, short timeouts. */
public final class TestSmtpSettings {

  /** The sender of every test email. */
  public static final String FROM = "signups@signups.example";

  /** The right-hand side of every test Message-ID, the domain of {@link #FROM}. */
  public static final String SENDER_DOMAIN = "signups.example";

  /** The connect, read and write timeout. */
  public static final Duration TIMEOUT = Duration.ofMillis(500);

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
          new InternetAddress(FROM, true));
    } catch (AddressException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Settings that reach {@code server}. */
  public static SmtpSettings forServer(FaultySmtpServer server) {
    return forServer(server.host(), server.port());
  }
}
