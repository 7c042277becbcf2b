package dev.signups.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the pages under {@code docs/}: the README links every page, and every relative
 * link among them leads to a file that exists and, when it names one, to a heading of that file (by
 * GitHub's anchors: the heading in lower case, spaces as hyphens, punctuation dropped). Links
 * inside fenced code blocks and links to other sites are not read.
 */
class DocumentationLinksTest {

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("#{1,6}\\s+(.*)");

  private static final Path ROOT = repositoryRoot();
  private static final Path README = ROOT.resolve("README.md");

  @Test
  void shouldLinkEveryDocsPageFromTheReadme() throws IOException {
    Set<Path> linked =
        links(README).stream()
            .map(link -> target(README, link))
            .map(Path::normalize)
            .collect(Collectors.toSet());
    Set<String> unlinked = new TreeSet<>();
    for (Path page : pages()) {
      if (!linked.contains(page.normalize())) {
        unlinked.add(ROOT.relativize(page).toString());
      }
    }

    assertThat(unlinked).as("pages under docs/ that README.md does not link").isEmpty();
  }

  @Test
  void shouldLeadEveryRelativeLinkToAFileAndHeadingThatExist() throws IOException {
    List<String> broken = new ArrayList<>();
    List<Path> files = new ArrayList<>(pages());
    files.add(README);
    for (Path file : files) {
      for (String link : links(file)) {
        Path target = target(file, link);
        String anchor = link.contains("#") ? link.substring(link.indexOf('#') + 1) : null;
        if (!Files.exists(target)) {
          broken.add(ROOT.relativize(file) + ": " + link + " (no such file)");
        } else if (anchor != null && !anchors(target).contains(anchor)) {
          broken.add(ROOT.relativize(file) + ": " + link + " (no such heading)");
        }
      }
    }

    assertThat(broken).as("relative links of README.md and docs/").isEmpty();
  }

  private static List<Path> pages() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      return files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
    }
  }

  /** The relative links of {@code file}, outside fenced code blocks. */
  private static List<String> links(Path file) {
    List<String> links = new ArrayList<>();
    for (String line : prose(file)) {
      Matcher link = LINK.matcher(line);
      while (link.find()) {
        String target = link.group(1);
        if (!target.matches("[a-z]+:.*")) {
          links.add(target);
        }
      }
    }
    return links;
  }

  /** The file {@code link} of {@code file} leads to; {@code file} itself for {@code #anchor}. */
  private static Path target(Path file, String link) {
    String path = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
    return path.isEmpty() ? file : file.resolveSibling(path);
  }

  private static Set<String> anchors(Path file) {
    Set<String> anchors = new TreeSet<>();
    for (String line : prose(file)) {
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        anchors.add(
            heading
                .group(1)
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-'));
      }
    }
    return anchors;
  }

  /** The lines of {@code file} outside fenced code blocks. */
  private static List<String> prose(Path file) {
    List<String> prose = new ArrayList<>();
    boolean fenced = false;
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.strip().startsWith("```")) {
          fenced = !fenced;
        } else if (!fenced) {
          prose.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return prose;
  }

  /**
   * The repository: the parent of Maven's {@code basedir}, else the working directory or its
   * parent.
   */
  private static Path repositoryRoot() {
    Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    dir = dir.toAbsolutePath();
    return Files.exists(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))
        ? dir
        : dir.getParent();
  }
}
