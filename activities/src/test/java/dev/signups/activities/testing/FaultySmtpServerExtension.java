package dev.signups.activities.testing;

import dev.signups.activities.mail.SmtpEmailSender;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link FaultySmtpServer} for tests and closes it after them; register it with
 * {@code @RegisterExtension}.
 *
 * <p>On a static field, one server serves the whole class, its nested classes included: it starts
 * before all tests, forgets its scripted faults after each ({@link FaultySmtpServer#reset()}, which
 * keeps what it received) and closes after all. On an instance field, JUnit calls no class-level
 * callback, and each test gets a server of its own, started before it and closed after it: for
 * tests that count every connection and message the server saw.
 *
 * <p>{@link #sender()} gives a test a sender for the server, which is closed after the test.
 */
public final class FaultySmtpServerExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  private FaultySmtpServer server;
  private SmtpEmailSender sender;

  /** The classes open on this extension: a nested class runs the class-level callbacks again. */
  private int classes;

  /** The running server. */
  public FaultySmtpServer server() {
    if (server == null) {
      throw new IllegalStateException("The SMTP server runs only while the tests run");
    }
    return server;
  }

  /**
   * A sender for the running server with {@link TestSmtpSettings}, made on first use in a test and
   * closed after it, with the connections it keeps.
   */
  public SmtpEmailSender sender() {
    if (sender == null) {
      sender = new SmtpEmailSender(TestSmtpSettings.forServer(server()));
    }
    return sender;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (classes++ == 0) {
      server = FaultySmtpServer.start();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (classes == 0) {
      server = FaultySmtpServer.start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (sender != null) {
      sender.close();
      sender = null;
    }
    if (classes == 0) {
      close();
    } else {
      server.reset();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (--classes == 0) {
      close();
    }
  }

  private void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
