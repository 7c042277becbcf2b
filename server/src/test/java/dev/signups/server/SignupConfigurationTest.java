package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.signups.server.confirm.ConfirmationFactory;
import dev.signups.server.temporal.ActivityOptionsFactory;
import dev.signups.server.testing.RealServers;
import dev.signups.workflows.ConfirmationPolicy;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.JarLocation;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.text.StringSubstitutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped {@code config.yml}, read the way the application reads it, and the mistakes in it
 * that must stop the application before it starts, each reported against its key.
 */
class SignupConfigurationTest {

  private static final Path SHIPPED =
      Path.of(System.getProperty("basedir", "")).resolve("config.yml");
  private static final String SECRET = "configuration-test-secret-of-32-chars";
  private static final String TOKEN_SECRET = "configuration-token-secret-of-32-chars";
  private static final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  private static final Map<String, Function<SignupConfiguration, ActivityOptionsFactory>> POLICIES =
      Map.of(
          "sendEmail", SignupConfiguration::getSendEmail,
          "sendWelcomeEmail", SignupConfiguration::getSendWelcomeEmail);

  @TempDir Path dir;

  @Test
  void shouldAcceptTheShippedConfiguration() throws Exception {
    SignupConfiguration config = load(Map.of());

    assertThat(config.getSignupIdSecret()).isEqualTo(SECRET);
    assertThat(config.getTemporal().getTaskQueue()).isEqualTo("signups");
    assertThat(config.getMaxRequestBodySize().toBytes()).isEqualTo(16 * 1024);
    assertThat(config.getConfirmation().getPublicBaseUrl()).isEqualTo("http://localhost:8080");
    assertThat(config.getConfirmation().getTokenSecret()).isEqualTo(TOKEN_SECRET);
    assertThat(config.getConfirmation().policy())
        .isEqualTo(
            new ConfirmationPolicy(
                Duration.ofHours(48), Duration.ofHours(24), Duration.ofMinutes(5)));
  }

  @Test
  void shouldUseTheDefaultConfirmationPolicyWhenItsKeysAreLeftOut() throws Exception {
    ConfirmationFactory confirmation =
        load(overrides(
                "confirmation.publicBaseUrl", null,
                "confirmation.window", null,
                "confirmation.remindAfter", null,
                "confirmation.resendCooldown", null))
            .getConfirmation();

    assertThat(confirmation.getPublicBaseUrl()).isEqualTo("http://localhost:8080");
    assertThat(confirmation.policy()).isEqualTo(ConfirmationPolicy.DEFAULT);
  }

  @Test
  void shouldReadAPublicBaseUrlWithAPathAndATrailingSlash() throws Exception {
    ConfirmationFactory confirmation =
        load(overrides("confirmation.publicBaseUrl", "https://example.com/signups-api/"))
            .getConfirmation();

    assertThat(confirmation.getPublicBaseUrl()).isEqualTo("https://example.com/signups-api");
  }

  @Test
  void shouldAcceptARemindAfterOfZeroWhichSendsNoReminder() throws Exception {
    ConfirmationPolicy policy =
        load(overrides("confirmation.remindAfter", "0s")).getConfirmation().policy();

    assertThat(policy.remindAfter()).isZero();
  }

  @Test
  void shouldAcceptNoIdleSmtpConnectionsWhichConnectsForEveryEmail() {
    assertThatCode(() -> load(overrides("smtp.maxIdleConnections", "0")))
        .doesNotThrowAnyException();
  }

  @Test
  void shouldNotAskAWorkerForTheSignupIdSecret() throws Exception {
    SignupConfiguration config = load(overrides("roles", "[worker]", "signupIdSecret", "''"));

    assertThat(config.getRoles()).containsExactly(SignupConfiguration.Role.WORKER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendEmail", "sendWelcomeEmail"})
  void shouldBuildTheShippedActivityPolicy(String key) throws Exception {
    ActivityOptions options = POLICIES.get(key).apply(load(Map.of())).build();

    assertThat(options.getStartToCloseTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.getScheduleToCloseTimeout()).isEqualTo(Duration.ofHours(24));
    RetryOptions retry = options.getRetryOptions();
    assertThat(retry.getInitialInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(retry.getBackoffCoefficient()).isEqualTo(2.0);
    assertThat(retry.getMaximumInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(retry.getMaximumAttempts()).isZero();
    assertThat(retry.getDoNotRetry())
        .containsExactly("PermanentEmailFailure", "InvalidEmailRequest");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sendEmail", "sendWelcomeEmail"})
  void shouldUseTheSameDefaultsWhenTheKeysAreLeftOut(String key) throws Exception {
    ActivityOptions shipped = POLICIES.get(key).apply(load(Map.of())).build();
    ActivityOptions defaults = POLICIES.get(key).apply(load(overrides(key, null))).build();

    assertThat(defaults).isEqualTo(shipped);
  }

  static Stream<Arguments> invalidConfigurations() {
    return Stream.of(
        invalid("sendEmail.retry.backoffCoefficient", "sendEmail.retry.backoffCoefficient", "0.5"),
        invalid(
            "sendEmail.retry.maximumInterval",
            "sendEmail.retry.initialInterval",
            "2s",
            "sendEmail.retry.maximumInterval",
            "1s"),
        invalid(
            "sendEmail.startToCloseTimeout",
            "sendEmail.startToCloseTimeout",
            "25h",
            "sendEmail.scheduleToCloseTimeout",
            "24h"),
        invalid("sendEmail.retry.initialInterval", "sendEmail.retry.initialInterval", "-1s"),
        invalid("sendEmail.retry.initialInterval", "sendEmail.retry.initialInterval", "0s"),
        invalid(
            "sendEmail.retry.initialInterval", "sendEmail.retry.initialInterval", "2 fortnights"),
        invalid("sendEmail.startToCloseTimeout", "sendEmail.startToCloseTimeout", "-1s"),
        invalid("sendEmail.startToCloseTimeout", "sendEmail.startToCloseTimeout", "0s"),
        invalid("sendEmail.scheduleToCloseTimeout", "sendEmail.scheduleToCloseTimeout", "0s"),
        invalid("sendEmail.retry.maximumAttempts", "sendEmail.retry.maximumAttempts", "-1"),
        invalid(
            "smtp.readTimeout", "smtp.readTimeout", "60s", "sendEmail.startToCloseTimeout", "30s"),
        invalid("smtp.connectTimeout", "smtp.connectTimeout", "30s"),
        invalid("smtp.writeTimeout", "smtp.writeTimeout", "0s"),
        invalid("signupIdSecret", "signupIdSecret", null),
        invalid("signupIdSecret", "signupIdSecret", "''"),
        invalid("signupIdSecret", "signupIdSecret", "x".repeat(31)),
        invalid("smtp.from", "smtp.from", "not an address"),
        invalid("smtp.from", "smtp.from", "Signups <no-reply>"),
        invalid("smtp.port", "smtp.port", "0"),
        invalid("smtp.maxIdleConnections", "smtp.maxIdleConnections", "-1"),
        invalid("smtp.maxIdleTime", "smtp.maxIdleTime", "0s"),
        invalid("smtp.maxIdleTime", "smtp.maxIdleTime", "~"),
        invalid("smtp.maxMessagesPerConnection", "smtp.maxMessagesPerConnection", "0"),
        invalid("maxRequestBodySize", "maxRequestBodySize", "2MiB"),
        invalid("temporal.target", "temporal.target", "''"),
        invalid(
            "sendWelcomeEmail.retry.backoffCoefficient",
            "sendWelcomeEmail.retry.backoffCoefficient",
            "0.5"),
        invalid(
            "sendWelcomeEmail.startToCloseTimeout", "sendWelcomeEmail.startToCloseTimeout", "0s"),
        invalid("smtp.readTimeout", "sendWelcomeEmail.startToCloseTimeout", "10s"),
        invalid("confirmation.publicBaseUrl", "confirmation.publicBaseUrl", "ftp://example.com"),
        invalid("confirmation.publicBaseUrl", "confirmation.publicBaseUrl", "example.com"),
        invalid("confirmation.publicBaseUrl", "confirmation.publicBaseUrl", "'https://'"),
        invalid(
            "confirmation.publicBaseUrl",
            "confirmation.publicBaseUrl",
            "'https://example.com/?next=https://evil.example'"),
        invalid("confirmation.publicBaseUrl", "confirmation.publicBaseUrl", "'http://a b.example'"),
        invalid("confirmation.publicBaseUrl", "confirmation.publicBaseUrl", "~"),
        invalid("confirmation.window", "confirmation.window", "0s"),
        invalid("confirmation.window", "confirmation.window", "-1h"),
        invalid("confirmation.remindAfter", "confirmation.remindAfter", "tomorrow"),
        invalid("confirmation.resendCooldown", "confirmation.resendCooldown", "~"),
        invalid("confirmation.tokenSecret", "confirmation.tokenSecret", null),
        invalid("confirmation.tokenSecret", "confirmation.tokenSecret", "x".repeat(31)),
        invalid("confirmation.tokenSecret", "roles", "[api]", "confirmation.tokenSecret", null),
        invalid(
            "confirmation.tokenSecret",
            "roles",
            "[worker]",
            "signupIdSecret",
            "''",
            "confirmation.tokenSecret",
            "''"));
  }

  @ParameterizedTest(name = "{0} for {1}")
  @MethodSource("invalidConfigurations")
  void shouldRefuseAMistakeNamingItsKey(String key, Map<String, String> overrides) {
    assertThatThrownBy(() -> load(overrides))
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage().lines().map(String::strip))
                  .as("a line that blames %s", key)
                  .anySatisfy(
                      line ->
                          assertThat(line)
                              .matches(
                                  "\\* (Failed to parse configuration at: )?"
                                      + Pattern.quote(key)
                                      + "[ ;].*"));
              assertThat(e.getMessage()).doesNotContain("\tat ", "Exception");
            });
  }

  @Test
  void shouldAcceptAnSmtpTimeoutJustShorterThanAnAttempt() throws Exception {
    SignupConfiguration config =
        load(overrides("smtp.readTimeout", "29s", "sendEmail.startToCloseTimeout", "30s"));

    assertThat(config.getSmtp().timeouts())
        .containsEntry("readTimeout", io.dropwizard.util.Duration.seconds(29));
  }

  @Test
  void shouldNameTheWelcomePolicyWhoseAttemptAnSmtpTimeoutOutlasts() {
    assertThatThrownBy(() -> load(overrides("sendWelcomeEmail.startToCloseTimeout", "10s")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "smtp.readTimeout must be shorter than sendWelcomeEmail.startToCloseTimeout (10 seconds)");
  }

  @Test
  void shouldAcceptTemporalCloudWithAClientCertificate() throws Exception {
    Path cert = Files.writeString(dir.resolve("client.pem"), "-----BEGIN CERTIFICATE-----");
    Path key = Files.writeString(dir.resolve("client.key"), "-----BEGIN PRIVATE KEY-----");

    SignupConfiguration config =
        load(
            overrides(
                "temporal.target",
                "signups.a1b2c.tmprl.cloud:7233",
                "temporal.namespace",
                "signups.a1b2c",
                "temporal.security.clientCertPath",
                cert.toString(),
                "temporal.security.clientKeyPath",
                key.toString()));

    assertThat(config.getTemporal().getNamespace()).isEqualTo("signups.a1b2c");
  }

  @Test
  void shouldAcceptTemporalCloudWithAnApiKey() throws Exception {
    SignupConfiguration config =
        load(
            overrides(
                "temporal.target", "us-east-1.aws.api.temporal.io:7233",
                "temporal.security.apiKey", "a-temporal-cloud-api-key"));

    assertThat(config.getTemporal().getNamespace()).isEqualTo("default");
  }

  @Test
  void shouldAcceptSmtpWithStartTlsAndCredentials() throws Exception {
    SignupConfiguration config =
        load(
            overrides(
                "smtp.host", "smtp.example.com",
                "smtp.port", "587",
                "smtp.security", "STARTTLS",
                "smtp.username", "signups",
                "smtp.password", "from-the-environment"));

    assertThat(config.getSmtp().timeouts()).containsKey("readTimeout");
  }

  static Stream<Arguments> invalidTemporalSecurity() {
    return Stream.of(
        invalid("temporal.security.clientKeyPath", "temporal.security.clientCertPath", "/x.pem"),
        invalid("temporal.security.clientCertPath", "temporal.security.clientKeyPath", "/x.key"),
        invalid(
            "temporal.security.clientCertPath",
            "temporal.security.clientCertPath",
            "/no/such/client.pem",
            "temporal.security.clientKeyPath",
            "/no/such/client.key"),
        invalid(
            "temporal.worker.maxConcurrentActivities",
            "temporal.worker.maxConcurrentActivities",
            "0"),
        invalid("temporal.worker.workflowTaskPollers", "temporal.worker.workflowTaskPollers", "1"),
        invalid("payloadEncryption.keys", "payloadEncryption.keys", "''"),
        invalid("payloadEncryption.keys", "payloadEncryption.keys", "k1:c2hvcnQ="),
        invalid("payloadEncryption.keys", "payloadEncryption.keys", "not a key ring"),
        invalid(
            "codecServer.allowedOrigins[0].<list element>",
            "codecServer.allowedOrigins",
            "[localhost:8233]"),
        invalid("rateLimits.perClient.requests", "rateLimits.perClient.requests", "0"),
        invalid(
            "rateLimits.clientAddressHeader", "rateLimits.clientAddressHeader", "'X Forwarded'"));
  }

  @ParameterizedTest(name = "{0} for {1}")
  @MethodSource("invalidTemporalSecurity")
  void shouldRefuseAMistakeInTheNewerKeysNamingItsKey(String key, Map<String, String> overrides) {
    shouldRefuseAMistakeNamingItsKey(key, overrides);
  }

  @Test
  @EnabledForJreRange(max = JRE.JAVA_20)
  void shouldRefuseVirtualThreadsBeforeJava21NamingTheKey() {
    shouldRefuseAMistakeNamingItsKey(
        "temporal.worker.virtualThreads", overrides("temporal.worker.virtualThreads", "true"));
  }

  @Test
  void shouldRefuseAnApiKeyTogetherWithAClientCertificate() throws Exception {
    Path cert = Files.writeString(dir.resolve("client.pem"), "cert");
    Path key = Files.writeString(dir.resolve("client.key"), "key");

    assertThatThrownBy(
            () ->
                load(
                    overrides(
                        "temporal.security.clientCertPath", cert.toString(),
                        "temporal.security.clientKeyPath", key.toString(),
                        "temporal.security.apiKey", "both")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("temporal.security.apiKey must not be set together with a client")
        .hasMessageNotContaining("both");
  }

  @Test
  void shouldNotShowAKeyItRefuses() {
    assertThatThrownBy(
            () -> load(overrides("payloadEncryption.keys", "k1:c2VjcmV0LWJ1dC1zaG9ydA==")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("payloadEncryption.keys key 'k1' must be 32 bytes")
        .hasMessageNotContaining("c2VjcmV0LWJ1dC1zaG9ydA==");
  }

  @Test
  void shouldTellWhereToSetAMissingTokenSecret() {
    assertThatThrownBy(() -> load(overrides("confirmation.tokenSecret", "''")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "confirmation.tokenSecret must be at least 32 characters (set"
                + " CONFIRMATION_TOKEN_SECRET)");
  }

  @Test
  void shouldReportTheMistakeWithoutAStackTraceWhenChecked() throws Exception {
    File config = write(overrides("sendEmail.retry.backoffCoefficient", "0.5"));

    CliRun check = runCli("check", config.getPath());

    assertThat(check.failure()).isPresent();
    assertThat(check.stdErr()).contains("sendEmail.retry.backoffCoefficient");
    assertThat(check.stdErr() + check.stdOut()).doesNotContain("\tat ", "Exception");
  }

  @Test
  void shouldPassTheCheckForAValidConfiguration() throws Exception {
    File config = write(Map.of());

    CliRun check = runCli("check", config.getPath());

    assertThat(check.failure()).isEmpty();
    assertThat(check.stdErr()).isEmpty();
  }

  @Test
  void shouldExitWithAnErrorNamingTheKeyFromTheCommandLine() throws Exception {
    File config =
        write(
            overrides(
                "smtp.readTimeout", "60s",
                "sendEmail.startToCloseTimeout", "30s"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SignupApplication.class.getName(),
                "check",
                config.getPath())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isEqualTo(1);
    assertThat(output)
        .contains("smtp.readTimeout must be shorter than sendEmail.startToCloseTimeout");
    assertThat(output).doesNotContain("\tat ", "Exception");
  }

  /** The shipped configuration, its variables at their defaults, with {@code overrides} applied. */
  private static String configText(Map<String, String> overrides) throws IOException {
    StringSubstitutor variables =
        new StringSubstitutor(
            Map.of(
                "SIGNUP_ID_SECRET",
                SECRET,
                "CONFIRMATION_TOKEN_SECRET",
                TOKEN_SECRET,
                "PAYLOAD_ENCRYPTION_KEYS",
                RealServers.PAYLOAD_KEYS));
    variables.setValueDelimiter(":-");
    variables.setEnableUndefinedVariableException(false);
    ObjectNode tree =
        (ObjectNode)
            yaml.readTree(variables.replace(Files.readString(SHIPPED, StandardCharsets.UTF_8)));
    for (Map.Entry<String, String> override : overrides.entrySet()) {
      String[] path = override.getKey().split("\\.");
      ObjectNode parent = tree;
      for (int i = 0; i < path.length - 1; i++) {
        parent = parent.withObjectProperty(path[i]);
      }
      String last = path[path.length - 1];
      if (override.getValue() == null) {
        parent.remove(last);
      } else {
        JsonNode value = yaml.readTree(override.getValue());
        parent.set(last, value);
      }
    }
    return yaml.writeValueAsString(tree);
  }

  private static SignupConfiguration load(Map<String, String> overrides) throws Exception {
    byte[] text = configText(overrides).getBytes(StandardCharsets.UTF_8);
    return new YamlConfigurationFactory<>(
            SignupConfiguration.class,
            Validators.newValidator(),
            SignupApplication.configureObjectMapper(Jackson.newObjectMapper()),
            "dw")
        .build(path -> new ByteArrayInputStream(text), "config.yml");
  }

  private File write(Map<String, String> overrides) throws IOException {
    Path file = dir.resolve("config.yml");
    Files.writeString(file, configText(overrides), StandardCharsets.UTF_8);
    return file.toFile();
  }

  /** Runs the application's command line in this JVM, as {@code main} would, capturing output. */
  private static CliRun runCli(String... args) throws Exception {
    SignupApplication application = new SignupApplication();
    Bootstrap<SignupConfiguration> bootstrap = new Bootstrap<>(application);
    application.addDefaultCommands(bootstrap);
    application.initialize(bootstrap);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Optional<Throwable> failure =
        new Cli(new JarLocation(SignupApplication.class), bootstrap, out, err).run(args);
    return new CliRun(
        failure, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record CliRun(Optional<Throwable> failure, String stdOut, String stdErr) {}

  private static Arguments invalid(String key, String... overrides) {
    return Arguments.of(key, overrides(overrides));
  }

  /** Key-value pairs in order; a null value removes the key. */
  private static Map<String, String> overrides(String... pairs) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      overrides.put(pairs[i], pairs[i + 1]);
    }
    return overrides;
  }
}
