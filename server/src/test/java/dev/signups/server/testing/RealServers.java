package dev.signups.server.testing;

import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServerExtension;
import dev.signups.activities.testing.Ports;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Temporal dev server and a scriptable SMTP server for a test class, started before its
 * {@code @BeforeAll} methods; the SMTP server forgets its scripted faults after each test. The dev
 * server is headless, or with {@link #withWebUi()} serves its Web UI pointed at the codec endpoint
 * of the application {@link #startApp} starts.
 */
public final class RealServers implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  /** The application's {@code SIGNUP_ID_SECRET}. */
  public static final String SIGNUP_ID_SECRET = "real-servers-test-secret-of-32-characters";

  /** The application's {@code PAYLOAD_ENCRYPTION_KEYS}: one key, {@code test}. */
  public static final String PAYLOAD_KEYS = "test:dGVzdC1rZXktb2YtdGhpcnR5LXR3by1ieXRlcy0hISE=";

  /** The application's {@code CONFIRMATION_TOKEN_SECRET}, which signs the confirmation links. */
  public static final String TOKEN_SECRET = "real-servers-token-secret-of-32-characters";

  private final FaultySmtpServerExtension smtp = new FaultySmtpServerExtension();
  private final boolean webUi;
  private int adminPort;
  private TemporalDevServer temporal;

  /** With a headless dev server. */
  public RealServers() {
    this(false);
  }

  private RealServers(boolean webUi) {
    this.webUi = webUi;
  }

  /**
   * With the dev server's Web UI on, calling the codec endpoint of the application {@link
   * #startApp} starts (on an admin port reserved for it, so one application at a time), which
   * allows the UI's origin.
   */
  public static RealServers withWebUi() {
    return new RealServers(true);
  }

  public TemporalDevServer temporal() {
    return temporal;
  }

  public FaultySmtpServer smtp() {
    return smtp.server();
  }

  /**
   * Starts the application under test as its own process, wired to these servers, with {@code
   * overrides} applied to its configuration.
   */
  public AppProcess startApp(Map<String, String> overrides) throws Exception {
    return startApp(AppBuild.current(), Map.of(), overrides);
  }

  /** Starts {@code build} of the application as {@link #startApp(Map)} starts the current one. */
  public AppProcess startApp(AppBuild build, Map<String, String> overrides) throws Exception {
    return startApp(build, Map.of(), overrides);
  }

  /**
   * Starts the application as {@link #startApp(Map)} does, with {@code environment} added to (or
   * replacing part of) the environment these servers give it, such as other {@code
   * PAYLOAD_ENCRYPTION_KEYS}.
   */
  public AppProcess startApp(Map<String, String> environment, Map<String, String> overrides)
      throws Exception {
    return startApp(AppBuild.current(), environment, overrides);
  }

  /**
   * Starts {@code build} of the application as its own process, wired to {@code temporal} and
   * {@code smtp} with the secrets above, with {@code overrides} applied to its configuration.
   */
  public static AppProcess startApp(
      AppBuild build, TemporalServer temporal, FaultySmtpServer smtp, Map<String, String> overrides)
      throws Exception {
    return AppProcess.start(build, wiring(temporal, smtp), overrides);
  }

  private AppProcess startApp(
      AppBuild build, Map<String, String> environment, Map<String, String> overrides)
      throws Exception {
    Map<String, String> wired = wiring(temporal, smtp());
    if (webUi) {
      wired.put("ADMIN_PORT", Integer.toString(adminPort));
      wired.put("CODEC_ALLOWED_ORIGINS", "[" + temporal.webUi() + "]");
    }
    wired.putAll(environment);
    return AppProcess.start(build, wired, overrides);
  }

  private static Map<String, String> wiring(TemporalServer temporal, FaultySmtpServer smtp) {
    Map<String, String> wired = new HashMap<>();
    wired.put("TEMPORAL_ADDRESS", temporal.target());
    wired.put("SMTP_HOST", smtp.host());
    wired.put("SMTP_PORT", Integer.toString(smtp.port()));
    wired.put("SIGNUP_ID_SECRET", SIGNUP_ID_SECRET);
    wired.put("CONFIRMATION_TOKEN_SECRET", TOKEN_SECRET);
    wired.put("PAYLOAD_ENCRYPTION_KEYS", PAYLOAD_KEYS);
    return wired;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (webUi) {
      adminPort = Ports.free();
      temporal =
          TemporalDevServer.startWithWebUi(URI.create("http://127.0.0.1:" + adminPort + "/codec"));
    } else {
      temporal = TemporalDevServer.start();
    }
    smtp.beforeAll(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    smtp.afterEach(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    smtp.afterAll(context);
    temporal.close();
  }
}
