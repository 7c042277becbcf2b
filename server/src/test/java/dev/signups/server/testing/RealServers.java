package dev.signups.server.testing;

import dev.signups.activities.testing.FaultySmtpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Temporal dev server and a scriptable SMTP server for a test class, started before its
 * {@code @BeforeAll} methods; the SMTP server forgets its scripted faults after each test.
 */
public final class RealServers implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private TemporalDevServer temporal;
  private FaultySmtpServer smtp;

  public TemporalDevServer temporal() {
    return temporal;
  }

  public FaultySmtpServer smtp() {
    return smtp;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    temporal = TemporalDevServer.start();
    smtp = FaultySmtpServer.start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    smtp.reset();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    smtp.close();
    temporal.close();
  }
}
