package dev.signups.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A build of the application: its shaded jar and the {@code config.yml} it ships with.
 *
 * @param jar the shaded jar
 * @param config the configuration file of the same commit
 */
public record AppBuild(Path jar, Path config) {

  /** The build under test: the jar this build made ({@code app.jar} property). */
  public static AppBuild current() {
    return new AppBuild(Path.of(System.getProperty("app.jar")), Path.of("config.yml"));
  }

  /**
   * The application as built from {@code commit} of this repository ({@code project.root}
   * property). It is built once, with the Maven wrapper of that commit, under the {@code
   * previous.builds} directory, where later runs find it.
   *
   * @throws IllegalStateException when the commit is not in this clone, or does not build
   */
  public static synchronized AppBuild ofCommit(String commit)
      throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("project.root"));
    Path directory = Path.of(System.getProperty("previous.builds")).resolve(commit);
    Path source = directory.resolve("source");
    Path built = directory.resolve("built");
    Path log = directory.resolve("build.log");
    AppBuild build =
        new AppBuild(
            source.resolve("server/target").resolve(current().jar().getFileName()),
            source.resolve("server/config.yml"));
    if (Files.exists(built)) {
      return build;
    }
    deleteRecursively(directory);
    Files.createDirectories(source);
    if (run(root, log, "git", "cat-file", "-e", commit + "^{commit}") != 0) {
      throw new IllegalStateException(
          "Commit "
              + commit
              + " is not in the clone at "
              + root
              + "; a full clone of main has it (git fetch --unshallow)");
    }
    Path archive = directory.resolve("source.tar");
    if (run(root, log, "git", "archive", "--output", archive.toString(), commit) != 0
        || run(source, log, "tar", "-xf", archive.toString()) != 0
        || run(source, log, "./mvnw", "-B", "-q", "package", "-DskipTests") != 0
        || !Files.exists(build.jar())) {
      throw new IllegalStateException("Could not build " + commit + "; see " + log);
    }
    Files.writeString(built, commit);
    return build;
  }

  private static int run(Path directory, Path log, String... command)
      throws IOException, InterruptedException {
    return new ProcessBuilder(List.of(command))
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start()
        .waitFor();
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (var files = Files.walk(directory)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
    }
  }
}
