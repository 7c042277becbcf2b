package dev.signups.server.testing;

import dev.signups.activities.testing.FaultySmtpServer;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Temporal dev server and a scriptable SMTP server for a test class, started before its
 * {@code @BeforeAll} methods; the SMTP server forgets its scripted faults after each test.
 */
public final class RealServers implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  /** The application's {@code SIGNUP_ID_SECRET}. */
  public static final String SIGNUP_ID_SECRET = "real-servers-test-secret-of-32-characters";

  /** The application's {@code CONFIRMATION_TOKEN_SECRET}, which signs the confirmation links. */
  public static final String TOKEN_SECRET = "real-servers-token-secret-of-32-characters";

  private TemporalDevServer temporal;
  private FaultySmtpServer smtp;

  public TemporalDevServer temporal() {
    return temporal;
  }

  public FaultySmtpServer smtp() {
    return smtp;
  }

  /**
   * Starts the application under test as its own process, wired to these servers, with {@code
   * overrides} applied to its configuration.
   */
  public AppProcess startApp(Map<String, String> overrides) throws Exception {
    return startApp(AppBuild.current(), overrides);
  }

  /** Starts {@code build} of the application as {@link #startApp(Map)} starts the current one. */
  public AppProcess startApp(AppBuild build, Map<String, String> overrides) throws Exception {
    return startApp(build, temporal, smtp, overrides);
  }

  /**
   * Starts {@code build} of the application as its own process, wired to {@code temporal} and
   * {@code smtp} with the secrets above, with {@code overrides} applied to its configuration.
   */
  public static AppProcess startApp(
      AppBuild build, TemporalServer temporal, FaultySmtpServer smtp, Map<String, String> overrides)
      throws Exception {
    return AppProcess.start(
        build,
        Map.of(
            "TEMPORAL_ADDRESS", temporal.target(),
            "SMTP_HOST", smtp.host(),
            "SMTP_PORT", Integer.toString(smtp.port()),
            "SIGNUP_ID_SECRET", SIGNUP_ID_SECRET,
            "CONFIRMATION_TOKEN_SECRET", TOKEN_SECRET),
        overrides);
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
