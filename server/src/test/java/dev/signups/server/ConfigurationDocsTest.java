package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} against {@code server/config.yml}: each key of the file has one row
 * in the page, showing the value the file ships, and the page documents no key the file lacks.
 *
 * <p><b>Keys.</b> A key is the path from the top of {@code config.yml} to a value, its parts joined
 * with dots: {@code smtp.readTimeout}, {@code sendEmail.retry.initialInterval}. Dropwizard's own
 * blocks, {@code server} and {@code logging}, are keys like the others: the file sets them, so the
 * page documents them. Lists follow two rules:
 *
 * <ul>
 *   <li>a list of scalars is one key, its value written in YAML's flow style: {@code roles} is
 *       {@code [api, worker]};
 *   <li>a list of mappings (Dropwizard's connectors) is walked item by item, with the item's index
 *       in brackets: {@code server.applicationConnectors[0].port}.
 * </ul>
 *
 * Logger names keep their dots: {@code logging.loggers.io.grpc}. A value is the YAML scalar as
 * written, before environment substitution: {@code ${SMTP_PORT:-1025}}, {@code 2.0}. Comments do
 * not count.
 *
 * <p><b>Rows.</b> The page documents a key in a Markdown table whose header's first cell is {@code
 * key}: the row's first cell is the key alone, in backticks; its second cell starts with the value,
 * in backticks. Other tables of the page are not read.
 */
class ConfigurationDocsTest {

  private static final Pattern KEY_CELL = Pattern.compile("`([^`]+)`");
  private static final Pattern VALUE_CELL = Pattern.compile("`([^`]*)`.*");
  private static final Pattern SEPARATOR_ROW = Pattern.compile("[|:\\-\\s]+");

  private static Map<String, String> shipped;
  private static List<Row> rows;

  @BeforeAll
  static void read() throws IOException {
    Path server = serverModule();
    shipped =
        keys(new ObjectMapper(new YAMLFactory()).readTree(server.resolve("config.yml").toFile()));
    rows = rows(Files.readAllLines(server.resolveSibling("docs").resolve("configuration.md")));
  }

  @Test
  void shouldDocumentEveryKeyOfConfigYml() {
    Set<String> undocumented = new TreeSet<>(shipped.keySet());
    undocumented.removeAll(documented().keySet());

    assertThat(undocumented)
        .as("keys of server/config.yml with no row in docs/configuration.md")
        .isEmpty();
  }

  @Test
  void shouldDocumentNoKeyThatConfigYmlLacks() {
    Set<String> unknown = new TreeSet<>(documented().keySet());
    unknown.removeAll(shipped.keySet());

    assertThat(unknown)
        .as("keys in docs/configuration.md that server/config.yml does not have")
        .isEmpty();
  }

  @Test
  void shouldShowTheValueConfigYmlShips() {
    List<String> differing =
        rows.stream()
            .filter(row -> row.key() != null && shipped.containsKey(row.key()))
            .filter(row -> !shipped.get(row.key()).equals(row.value()))
            .map(
                row ->
                    "line %d: %s is `%s` in docs/configuration.md, `%s` in server/config.yml"
                        .formatted(row.line(), row.key(), row.value(), shipped.get(row.key())))
            .toList();

    assertThat(differing).isEmpty();
  }

  @Test
  void shouldDocumentEachKeyOnceInARowItCanRead() {
    List<String> problems = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Row row : rows) {
      if (row.key() == null || row.value() == null) {
        problems.add(
            "line %d: expected | `key` | `value` ... |, found %s"
                .formatted(row.line(), row.text()));
      } else if (!seen.add(row.key())) {
        problems.add("line %d: %s has a row already".formatted(row.line(), row.key()));
      }
    }

    assertThat(problems).as("rows of docs/configuration.md").isEmpty();
  }

  /** The keys the page documents, with the value each row shows. */
  private static Map<String, String> documented() {
    Map<String, String> documented = new LinkedHashMap<>();
    rows.stream()
        .filter(row -> row.key() != null)
        .forEach(row -> documented.putIfAbsent(row.key(), row.value()));
    return documented;
  }

  /** The server module: Maven's {@code basedir}, else the working directory or its server/. */
  private static Path serverModule() {
    Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return Files.exists(dir.resolve("config.yml")) ? dir : dir.resolve("server");
  }

  /** Every key of {@code root}, in the file's order, with its value as the class comment says. */
  static Map<String, String> keys(JsonNode root) {
    Map<String, String> keys = new LinkedHashMap<>();
    collect("", root, keys);
    return keys;
  }

  private static void collect(String path, JsonNode node, Map<String, String> keys) {
    if (node.isObject() && !node.isEmpty()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        collect(
            path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(), keys);
      }
    } else if (node.isArray() && elements(node).anyMatch(JsonNode::isContainerNode)) {
      for (int i = 0; i < node.size(); i++) {
        collect(path + "[" + i + "]", node.get(i), keys);
      }
    } else if (node.isArray()) {
      keys.put(
          path, elements(node).map(JsonNode::asText).collect(Collectors.joining(", ", "[", "]")));
    } else {
      keys.put(path, node.isObject() ? "{}" : node.asText());
    }
  }

  private static Stream<JsonNode> elements(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  /** The body rows of the page's key tables; a row's key or value is null when unreadable. */
  static List<Row> rows(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    Boolean keyTable = null; // null outside a table, else whether the table's header is "key"
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.startsWith("|")) {
        keyTable = null;
        continue;
      }
      List<String> cells = cells(line);
      if (keyTable == null) {
        keyTable = cells.get(0).equals("key");
      } else if (keyTable && !SEPARATOR_ROW.matcher(line).matches()) {
        Matcher key = KEY_CELL.matcher(cells.get(0));
        Matcher value = VALUE_CELL.matcher(cells.size() > 1 ? cells.get(1) : "");
        rows.add(
            new Row(
                i + 1,
                key.matches() ? key.group(1) : null,
                value.matches() ? value.group(1) : null,
                line));
      }
    }
    return rows;
  }

  /** The cells of a table row, trimmed; {@code \|} does not split. */
  private static List<String> cells(String line) {
    int end = line.length() > 1 && line.endsWith("|") ? line.length() - 1 : line.length();
    String inner = line.substring(1, end);
    return List.of(inner.split("(?<!\\\\)\\|", -1)).stream().map(String::strip).toList();
  }

  record Row(int line, String key, String value, String text) {}
}
