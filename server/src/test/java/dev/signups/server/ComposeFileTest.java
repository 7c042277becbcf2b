package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import dev.signups.server.SignupConfiguration.Role;
import dev.signups.workflows.SignupSearchAttributes;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.temporal.api.enums.v1.IndexedValueType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.text.StringSubstitutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The container stack ({@code docker-compose.yml}, the {@code Dockerfile}, {@code .env.example})
 * checked against what the application needs, without running a container: every image pinned,
 * every service of the stack present, the app's services health-checked and started only once
 * Temporal is set up, and their environments made of variables that {@code server/config.yml}
 * reads. The variables are taken from {@code config.yml} itself, so a key added there is checked
 * without touching this test.
 *
 * <p>The Compose file is read with SnakeYAML, as Compose reads it: its anchors and merge keys
 * ({@code <<: *app}) are resolved, which Jackson's YAML parser leaves as they are.
 */
class ComposeFileTest {

  private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private static final Path ROOT = MODULE.getParent();

  /** Every service of the stack, by the name the others and the docs use. */
  private static final List<String> STACK =
      List.of(
          "postgres",
          "temporal-schema",
          "temporal",
          "temporal-setup",
          "temporal-ui",
          "admin-tools",
          "maildev",
          "api",
          "worker",
          "prometheus");

  /** The services running this application, and the roles each must play. */
  private static final Map<String, Set<Role>> APP_SERVICES =
      Map.of("api", Set.of(Role.API), "worker", Set.of(Role.WORKER));

  /**
   * Variables each app service must set, because config.yml's default does not work in a container
   * (127.0.0.1, localhost) or there is none (the secrets), or to pick its role.
   */
  private static final Map<String, Set<String>> REQUIRED =
      Map.of(
          "api",
          Set.of(
              "APP_ROLES",
              "API_HOST",
              "ADMIN_HOST",
              "TEMPORAL_ADDRESS",
              "SIGNUP_ID_SECRET",
              "CONFIRMATION_TOKEN_SECRET",
              "PAYLOAD_ENCRYPTION_KEYS"),
          "worker",
          Set.of(
              "APP_ROLES",
              "ADMIN_HOST",
              "TEMPORAL_ADDRESS",
              "CONFIRMATION_TOKEN_SECRET",
              "PAYLOAD_ENCRYPTION_KEYS",
              "SMTP_HOST"));

  /** Variables read by the image's entrypoint rather than by config.yml. */
  private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS");

  /** {@code ${NAME}}, {@code ${NAME:-default}} and the like, in config.yml and in Compose. */
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  /** A tag naming an exact release: at least major.minor, e.g. 16.15, v3.5.0, 17.0.20_8-jre. */
  private static final Pattern VERSION_TAG = Pattern.compile("v?\\d+\\.\\d+([._-].*)?");

  /** What an operator puts in .env for each secret .env.example leaves empty. */
  private static final String FILLED_SECRET = "compose-file-test-secret-0123456789abcdef";

  /** Secrets with a form of their own. */
  private static final Map<String, String> FILLED_SECRETS =
      Map.of("PAYLOAD_ENCRYPTION_KEYS", "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

  @Test
  void shouldPinEveryImageToAnExactVersion() throws IOException {
    Map<String, Map<String, Object>> services = services();
    Map<String, String> images = new TreeMap<>();
    services.forEach(
        (name, service) -> images.put("service " + name, (String) service.get("image")));
    String dockerfile = read(ROOT.resolve("Dockerfile"));
    Set<String> stages = new TreeSet<>();
    Matcher from =
        Pattern.compile("(?im)^FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?")
            .matcher(dockerfile);
    while (from.find()) {
      if (!stages.contains(from.group(1))) {
        images.put("Dockerfile FROM " + from.group(1), from.group(1));
      }
      if (from.group(2) != null) {
        stages.add(from.group(2));
      }
    }

    assertThat(images.keySet())
        .as("images of the Dockerfile")
        .filteredOn(where -> where.startsWith("Dockerfile"))
        .isNotEmpty();
    images.forEach(
        (where, image) -> {
          if (image == null) {
            assertThat(services.get(where.substring("service ".length())))
                .as("%s has no image: it must be built from this checkout", where)
                .containsKey("build");
          } else {
            assertThat(tagOf(image))
                .as("%s: image %s must name an exact version, at least major.minor", where, image)
                .matches(VERSION_TAG);
          }
        });
  }

  @Test
  void shouldRunEveryServiceTheStackNeeds() throws IOException {
    assertThat(services()).containsKeys(STACK.toArray(String[]::new));
  }

  @Test
  void shouldGiveTheTemporalServerADynamicConfigWithEagerActivities() throws IOException {
    String mount =
        "./scripts/compose/temporal-dynamicconfig.yaml"
            + ":/etc/temporal/config/dynamicconfig/docker.yaml:ro";

    assertThat(services().get("temporal").get("volumes")).asInstanceOf(LIST).contains(mount);
    assertThat(read(ROOT.resolve("scripts/compose/temporal-dynamicconfig.yaml")))
        .contains("system.enableActivityEagerExecution:\n  - value: true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "worker"})
  void shouldHealthCheckEachAppService(String name) throws IOException {
    Map<String, Object> healthcheck = map(services().get(name), "healthcheck");

    assertThat(healthcheck).as("%s: healthcheck", name).doesNotContainEntry("disable", true);
    assertThat(list(healthcheck, "test"))
        .as("%s: healthcheck.test", name)
        .isNotEmpty()
        .doesNotContain("NONE");
    assertThat(read(ROOT.resolve("Dockerfile"))).contains("HEALTHCHECK");
  }

  @Test
  void shouldRunTwoWorkers() throws IOException {
    assertThat(map(services().get("worker"), "deploy")).containsEntry("replicas", 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "worker"})
  void shouldStartTheAppOnlyOnceTemporalIsSetUp(String name) throws IOException {
    Map<String, Object> dependsOn = map(services().get(name), "depends_on");

    assertThat(map(dependsOn, "temporal-setup"))
        .as("%s depends on temporal-setup", name)
        .containsEntry("condition", "service_completed_successfully");
    assertThat(map(map(services().get("temporal-setup"), "depends_on"), "temporal"))
        .containsEntry("condition", "service_healthy");
    assertThat(map(map(services().get("temporal"), "depends_on"), "temporal-schema"))
        .containsEntry("condition", "service_completed_successfully");
  }

  @Test
  void shouldRegisterEverySearchAttributeTheAppChecksFor() throws IOException {
    String setup = read(ROOT.resolve("scripts/compose/temporal-setup"));

    SignupSearchAttributes.TYPES.forEach(
        (name, type) ->
            assertThat(setup)
                .as("scripts/compose/temporal-setup registers %s", name)
                .contains("--name " + name + " --type " + cliType(type)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "worker"})
  void shouldSetOnlyVariablesThatConfigYmlReads(String name) throws IOException {
    Set<String> unknown = new TreeSet<>(environment(name).keySet());
    unknown.removeAll(configVariables());
    unknown.removeAll(IMAGE_VARIABLES);

    assertThat(unknown)
        .as(
            "%s sets variables that server/config.yml does not read (it reads %s)",
            name, configVariables())
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "worker"})
  void shouldSetTheVariablesWithoutAUsableDefaultInAContainer(String name) throws IOException {
    assertThat(configVariables())
        .as("variables of server/config.yml")
        .containsAll(REQUIRED.get(name));
    assertThat(environment(name).keySet())
        .as("environment of %s", name)
        .containsAll(REQUIRED.get(name));
    assertThat(read(ROOT.resolve("Dockerfile"))).contains("$JAVA_OPTS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "worker"})
  void shouldConfigureEachAppServiceForItsRoleAndThisStack(String name) throws Exception {
    Map<String, String> environment = new LinkedHashMap<>();
    environment(name).forEach((key, value) -> environment.put(key, interpolate(value)));
    String config = new StringSubstitutor(environment).replace(read(MODULE.resolve("config.yml")));
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(config);

    assertThat(load(config).getRoles())
        .as("%s: roles, from APP_ROLES", name)
        .isEqualTo(APP_SERVICES.get(name));
    List<String> listening =
        name.equals("api")
            ? List.of("applicationConnectors", "adminConnectors")
            : List.of("adminConnectors");
    for (String connectors : listening) {
      for (Object connector : list(map(tree, "server"), connectors)) {
        assertThat(((Map<?, ?>) connector).get("bindHost"))
            .as("%s: server.%s.bindHost", name, connectors)
            .isEqualTo("0.0.0.0");
      }
    }
    assertThat(host(map(tree, "temporal").get("target")))
        .as("%s: temporal.target", name)
        .isIn(services().keySet());
    if (name.equals("worker")) {
      assertThat(host(map(tree, "smtp").get("host")))
          .as("%s: smtp.host", name)
          .isIn(services().keySet());
    }
  }

  @Test
  void shouldTakeEverySecretFromTheEnvFile() throws IOException {
    Pattern secretKey = Pattern.compile(".*(SECRET|PASSWORD|PWD)");
    Pattern fromEnvFile = Pattern.compile("\\$\\{[A-Z_]+(:\\?[^}]+|:-)}");
    services()
        .forEach(
            (service, definition) ->
                environment(definition)
                    .forEach(
                        (key, value) -> {
                          if (secretKey.matcher(key).matches()) {
                            assertThat(value)
                                .as("%s: %s must be ${NAME:?message} or ${NAME:-}", service, key)
                                .matches(fromEnvFile);
                          }
                        }));
  }

  @Test
  void shouldListEveryVariableOfTheComposeFileInTheEnvExample() throws IOException {
    String example = read(ROOT.resolve(".env.example"));
    Matcher variable = VARIABLE.matcher(read(ROOT.resolve("docker-compose.yml")));
    Set<String> required = new TreeSet<>();
    Set<String> optional = new TreeSet<>();
    while (variable.find()) {
      (":?".equals(variable.group(2)) ? required : optional).add(variable.group(1));
    }

    assertThat(required)
        .as("variables docker-compose.yml requires, ${NAME:?message}")
        .contains("SIGNUP_ID_SECRET", "CONFIRMATION_TOKEN_SECRET", "POSTGRES_PASSWORD");
    for (String name : required) {
      assertThat(example)
          .as(".env.example leaves %s empty, for the operator to fill", name)
          .containsPattern("(?m)^" + name + "=$");
    }
    for (String name : optional) {
      assertThat(example)
          .as(".env.example mentions %s", name)
          .containsPattern("(?m)^# " + name + "=");
    }
    assertThat(read(ROOT.resolve(".gitignore")).lines()).as(".gitignore").contains(".env");
  }

  /** Services by name, with anchors and merge keys resolved. */
  private static Map<String, Map<String, Object>> services() throws IOException {
    Map<String, Object> compose =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(read(ROOT.resolve("docker-compose.yml")));
    Map<String, Map<String, Object>> services = new TreeMap<>();
    map(compose, "services").forEach((name, service) -> services.put(name, cast(service)));
    return services;
  }

  private static Map<String, String> environment(String service) throws IOException {
    return environment(services().get(service));
  }

  /** A service's environment as Compose has it, before interpolation; a list or a map. */
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> environment = new TreeMap<>();
    Object entries = service.get("environment");
    if (entries instanceof Map<?, ?> map) {
      map.forEach((key, value) -> environment.put((String) key, value == null ? null : "" + value));
    } else if (entries instanceof List<?> list) {
      for (Object entry : list) {
        String[] pair = ((String) entry).split("=", 2);
        environment.put(pair[0], pair.length == 2 ? pair[1] : null);
      }
    }
    return environment;
  }

  /** Every variable server/config.yml reads, from its values (comments do not count). */
  private static Set<String> configVariables() throws IOException {
    Set<String> variables = new TreeSet<>();
    List<Object> pending = new ArrayList<>();
    pending.add(
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(read(MODULE.resolve("config.yml"))));
    while (!pending.isEmpty()) {
      Object node = pending.remove(pending.size() - 1);
      if (node instanceof Map<?, ?> map) {
        pending.addAll(map.values());
      } else if (node instanceof List<?> list) {
        pending.addAll(list);
      } else if (node instanceof String text) {
        VARIABLE.matcher(text).results().forEach(match -> variables.add(match.group(1)));
      }
    }
    return variables;
  }

  /**
   * Compose's interpolation of {@code value} with .env.example as the .env, its empty secrets
   * filled in as the operator would.
   */
  private static String interpolate(String value) {
    Map<String, String> dotEnv = new TreeMap<>();
    try (Stream<String> lines = Files.lines(ROOT.resolve(".env.example"))) {
      lines
          .filter(line -> line.matches("[A-Z_]+=.*"))
          .map(line -> line.split("=", 2))
          .forEach(
              pair ->
                  dotEnv.put(
                      pair[0],
                      pair[1].isEmpty()
                          ? FILLED_SECRETS.getOrDefault(pair[0], FILLED_SECRET)
                          : pair[1]));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return VARIABLE
        .matcher(value)
        .replaceAll(
            variable -> {
              String set = dotEnv.get(variable.group(1));
              String operator = variable.group(2);
              String word = variable.group(3);
              boolean unset =
                  set == null || (set.isEmpty() && operator != null && operator.startsWith(":"));
              if (operator == null || !unset) {
                return Matcher.quoteReplacement(set == null ? "" : set);
              }
              assertThat(operator).as("%s is required: %s", variable.group(1), word).endsWith("-");
              return Matcher.quoteReplacement(word);
            })
        .replace("$$", "$");
  }

  private static SignupConfiguration load(String config) throws Exception {
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    return new YamlConfigurationFactory<>(
            SignupConfiguration.class,
            Validators.newValidator(),
            SignupApplication.configureObjectMapper(Jackson.newObjectMapper()),
            "dw")
        .build(path -> new ByteArrayInputStream(bytes), "config.yml");
  }

  /** The tag of an image reference: what follows the last ':' after the last '/'. */
  private static String tagOf(String image) {
    String reference = image.split("@", 2)[0];
    int colon = reference.lastIndexOf(':');
    return colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : "";
  }

  private static String host(Object address) {
    return ((String) address).split(":", 2)[0];
  }

  /** The type name the temporal CLI takes, e.g. Keyword for INDEXED_VALUE_TYPE_KEYWORD. */
  private static String cliType(IndexedValueType type) {
    String name = type.name().substring("INDEXED_VALUE_TYPE_".length());
    return switch (name) {
      case "KEYWORD_LIST" -> "KeywordList";
      case "DATETIME" -> "Datetime";
      default -> name.charAt(0) + name.substring(1).toLowerCase();
    };
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as("%s is a mapping", key).isInstanceOf(Map.class);
    return cast(value);
  }

  private static List<Object> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as("%s is a list", key).isInstanceOf(List.class);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) value;
    return list;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object map) {
    return (Map<String, Object>) map;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
