package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.activities.PersonalData;
import dev.signups.server.testing.AppProcess;
import dev.signups.server.testing.EveryOutcome;
import dev.signups.server.testing.EveryOutcome.Signup;
import dev.signups.server.testing.HeadlessChromium;
import dev.signups.server.testing.RealServers;
import dev.signups.server.testing.SignupApi;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dev server's Web UI in headless Chromium, over real signups whose payloads the application
 * encrypts. Pointed at the application's codec endpoint, it shows a signup's status, its {@code
 * SendEmail} activity with the 451 that failed its first attempt, its input decrypted, and the
 * signups of a status; without the endpoint, only ciphertext. Each view is left as a screenshot in
 * {@code target/web-ui/}, from which {@code docs/images/} has its copies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** How long the UI, a single-page application, may take to show what a test waits for. */
  private static final Duration PAGE = Duration.ofSeconds(30);

  private static final Path SCREENSHOTS = Path.of("target", "web-ui");

  /** The Input box of a workflow's page. */
  private static final By INPUT =
      By.xpath("//*[@data-testid='input-and-result']/div[h2[normalize-space()='Input']]");

  /** What the UI shows of the codec's metadata, {@code binary/encrypted}, as it shows bytes. */
  private static final String ENCRYPTED =
      Base64.getEncoder().encodeToString("binary/encrypted".getBytes(StandardCharsets.UTF_8));

  @RegisterExtension static final RealServers servers = RealServers.withWebUi();

  private static HeadlessChromium browser;
  private static AppProcess app;
  private static EveryOutcome signups;

  @BeforeAll
  static void signUpThroughEveryOutcome() throws Exception {
    browser = HeadlessChromium.start(SCREENSHOTS, PAGE);
    app = servers.startApp(Map.of());
    signups = EveryOutcome.run(app, servers.smtp(), PATIENCE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  @Order(1)
  void shouldShowTheStatusAndTheDecryptedInputOfASignupThroughTheCodecEndpoint() throws Exception {
    Signup retried = signups.retried();
    browser.open(workflow(retried));

    WebElement input = browser.awaitText(INPUT, retried.email());

    assertThat(input.getText()).contains(retried.name());
    browser.await(By.xpath("//header//span[normalize-space()='Running']"));
    browser.await(By.cssSelector("[data-testid='data-encoder-status-success']"));
    browser.screenshot("web-ui-workflow-decoded");
    browser.click(browser.await(By.cssSelector("[data-testid='search-attributes-tab']")));
    assertThat(browser.awaitText(By.tagName("main"), "SignupStatus").getText())
        .contains(SignupApi.DELIVERED);
  }

  @Test
  @Order(2)
  void shouldShowTheSendEmailActivityWithTheSmtpReplyThatFailedItsFirstAttempt() throws Exception {
    Signup retried = signups.retried();
    browser.open(workflow(retried));
    WebElement started =
        browser.await(
            By.xpath(
                "//tr[@data-testid='event-summary-row']"
                    + "[.//p[normalize-space()='Activity Task Started']]"));

    browser.click(started);

    String reply = "451 4.3.0 Mailbox <" + PersonalData.maskAddress(retried.email()) + "> busy";
    WebElement events =
        browser.awaitText(By.cssSelector("[data-testid='event-summary-table']"), reply);
    assertThat(events.getText()).contains("SendEmail", "Last Failure", "TransientEmailFailure");
    browser.scrollToTop(browser.await(By.xpath("//*[normalize-space(text())='Last Failure']")));
    browser.screenshot("web-ui-activity-failure");
  }

  @Test
  @Order(3)
  void shouldListTheSignupsOfAStatusBySearchAttribute() throws Exception {
    Signup retried = signups.retried();
    app.api(PATIENCE).awaitListed(SignupApi.DELIVERED, retried.id());
    browser.open(
        servers
            .temporal()
            .webUi()
            .resolve(
                "/namespaces/default/workflows?query="
                    + URLEncoder.encode(
                            "SignupStatus = '" + SignupApi.DELIVERED + "'", StandardCharsets.UTF_8)
                        .replace("+", "%20")));

    browser.await(By.linkText(retried.id()));

    String page = browser.await(By.tagName("main")).getText();
    assertThat(page).contains("SignupStatus", SignupApi.DELIVERED);
    assertThat(page).doesNotContain(signups.confirmed().id(), signups.rejected().id());
    browser.screenshot("web-ui-list-by-status");
  }

  /** Last: it restarts the dev server, then waits for the app's worker to poll it again. */
  @Test
  @Order(4)
  void shouldShowOnlyCiphertextToAWebUiWithoutTheCodecEndpoint() throws Exception {
    Signup retried = signups.retried();
    servers.temporal().restartWithoutCodecEndpoint();
    app.api(PATIENCE).awaitStatus(retried.id(), SignupApi.DELIVERED);
    browser.open(workflow(retried));

    WebElement input = browser.awaitText(INPUT, ENCRYPTED);

    assertThat(input.getText()).contains("encryption-key-id");
    String page = browser.pageSource();
    for (String personal : signups.personalData()) {
      assertThat(page).as("the page shows no %s", personal).doesNotContainIgnoringCase(personal);
    }
    browser.screenshot("web-ui-workflow-encrypted");
  }

  private static URI workflow(Signup signup) {
    return servers.temporal().webUi().resolve("/namespaces/default/workflows/" + signup.id());
  }
}
