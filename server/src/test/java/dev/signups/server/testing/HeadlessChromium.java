package dev.signups.server.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Selenium by Debian's chromedriver: both named
 * explicitly, so Selenium Manager downloads nothing. A page that does not show what a test waits
 * for leaves its HTML and a screenshot in the screenshots directory.
 */
public final class HeadlessChromium implements AutoCloseable {

  /** The browser, {@code /usr/bin/chromium} unless the {@code chromium.binary} property says. */
  private static final Path BINARY =
      Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));

  /** Its driver, {@code /usr/bin/chromedriver} unless {@code chromium.driver} says. */
  private static final Path DRIVER =
      Path.of(System.getProperty("chromium.driver", "/usr/bin/chromedriver"));

  private final ChromeDriver driver;
  private final Path profile;
  private final Path screenshots;
  private final Duration patience;

  private HeadlessChromium(ChromeDriver driver, Path profile, Path screenshots, Duration patience) {
    this.driver = driver;
    this.profile = profile;
    this.screenshots = screenshots;
    this.patience = patience;
  }

  /**
   * Starts the browser with a fresh profile and a 1400×1000 window.
   *
   * @param screenshots where {@link #screenshot} and failed waits write their files
   * @param patience how long a wait waits for the page to show what it expects
   * @throws AssertionError saying how to install Chromium when it or its driver is missing
   */
  public static HeadlessChromium start(Path screenshots, Duration patience) throws IOException {
    for (Path required : new Path[] {BINARY, DRIVER}) {
      if (!Files.isExecutable(required)) {
        throw new AssertionError(
            required
                + " is missing: this test drives Debian's headless Chromium. Install it with:"
                + " sudo apt-get install -y chromium chromium-driver"
                + " (or name other copies with -Dchromium.binary=... -Dchromium.driver=...)");
      }
    }
    Files.createDirectories(screenshots);
    Path profile = Files.createTempDirectory("chromium-profile-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    return new HeadlessChromium(new ChromeDriver(service, options), profile, screenshots, patience);
  }

  /** Opens {@code page} and scrolls to its top. */
  public void open(URI page) {
    driver.get(page.toString());
  }

  /**
   * Waits until the element {@code locator} finds shows {@code text} among what it shows (its
   * visible text), and returns that element.
   *
   * @throws AssertionError when it does not within the patience, with the page saved beside the
   *     screenshots
   */
  public WebElement awaitText(By locator, String text) {
    return await(
        locator + " showing '" + text + "'",
        browser ->
            browser.findElements(locator).stream()
                .filter(element -> element.getText().contains(text))
                .findFirst()
                .orElse(null));
  }

  /** Waits until {@code locator} finds an element, and returns the first. */
  public WebElement await(By locator) {
    return await(
        locator.toString(),
        browser -> browser.findElements(locator).stream().findFirst().orElse(null));
  }

  private <T> T await(String what, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, patience).until(condition);
    } catch (TimeoutException e) {
      String saved = save("failed-wait");
      throw new AssertionError(
          "The page never showed " + what + " within " + patience + "; see " + saved, e);
    }
  }

  /** Clicks {@code element} once it is scrolled into the middle of the window. */
  public void click(WebElement element) {
    ((JavascriptExecutor) driver)
        .executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
    element.click();
  }

  /**
   * Scrolls {@code element} near the top of the window, and of any scrolled box it is in, below
   * room for a sticky header: for a screenshot that starts there.
   */
  public void scrollToTop(WebElement element) {
    ((JavascriptExecutor) driver)
        .executeScript(
            "arguments[0].style.scrollMarginTop = '80px'; arguments[0].scrollIntoView(true)",
            element);
  }

  /** The page's HTML as it is now, scripts' changes included. */
  public String pageSource() {
    return driver.getPageSource();
  }

  /** Saves what the window shows as {@code name}.png in the screenshots directory. */
  public Path screenshot(String name) throws IOException {
    Path file = screenshots.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  private String save(String name) {
    try {
      Files.writeString(screenshots.resolve(name + ".html"), driver.getPageSource());
      return screenshot(name).toString() + " and " + name + ".html";
    } catch (IOException | RuntimeException e) {
      return "(the page could not be saved: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
