package dev.signups.activities.testing;

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
 */
public final class FaultySmtpServerExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  private FaultySmtpServer server;

  /** The classes open on this extension: a nested class runs the class-level callbacks again. */
  private int classes;

  /** The running server. */
  public FaultySmtpServer server() {
    if (server == null) {
      throw new IllegalStateException("The SMTP server runs only while the tests run");
    }
    return server;
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
