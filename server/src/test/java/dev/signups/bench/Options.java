package dev.signups.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of {@code Main run}, which scripts/bench passes.
 *
 * @param temporal the Temporal frontend, host:port
 * @param serverLabel what the Temporal server is, for the report
 * @param serverPids the Temporal server's processes (one for the dev server, four for the cluster)
 * @param postgresPids the cluster's PostgreSQL postmaster, or none
 * @param stockTemporal a second dev server with {@code temporal server start-dev}'s own defaults,
 *     host:port, where B0-stock runs; null for none (against the cluster)
 * @param stockServerPids that server's process
 * @param redis Redis, host:port
 * @param redisPids the redis-server process
 * @param appJar the application's shaded jar
 * @param config the application's config.yml
 * @param out where results.txt, results.tsv and logs/ go
 * @param quick the smoke run's short phases
 * @param smtpDelayMillis the sink's delay before each reply
 * @param appOverrides configuration overrides for P's processes only ({@code --app-override
 *     key=value}, a {@code -Ddw.} key without its prefix): a setting measured against B0 in one run
 * @param command the command line, for the report
 * @param runId makes this run's addresses unique
 */
record Options(
    String temporal,
    String serverLabel,
    List<Long> serverPids,
    List<Long> postgresPids,
    String stockTemporal,
    List<Long> stockServerPids,
    String redis,
    List<Long> redisPids,
    Path appJar,
    Path config,
    Path out,
    boolean quick,
    long smtpDelayMillis,
    Map<String, String> appOverrides,
    String command,
    String runId) {

  static Options parse(List<String> args) {
    String temporal = null;
    String label = "Temporal dev server";
    List<Long> serverPids = new ArrayList<>();
    List<Long> postgresPids = new ArrayList<>();
    String stockTemporal = null;
    List<Long> stockServerPids = new ArrayList<>();
    String redis = null;
    List<Long> redisPids = new ArrayList<>();
    Path appJar = null;
    Path config = null;
    Path out = Path.of("target", "bench");
    boolean quick = false;
    long delay = 0;
    Map<String, String> appOverrides = new LinkedHashMap<>();
    String command = "scripts/bench";
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--quick" -> quick = true;
        case "--temporal" -> temporal = args.get(++i);
        case "--server-label" -> label = args.get(++i);
        case "--server-pid" -> serverPids.add(Long.parseLong(args.get(++i)));
        case "--postgres-pid" -> postgresPids.add(Long.parseLong(args.get(++i)));
        case "--stock-temporal" -> stockTemporal = args.get(++i);
        case "--stock-server-pid" -> stockServerPids.add(Long.parseLong(args.get(++i)));
        case "--redis" -> redis = args.get(++i);
        case "--redis-pid" -> redisPids.add(Long.parseLong(args.get(++i)));
        case "--app-jar" -> appJar = Path.of(args.get(++i));
        case "--config" -> config = Path.of(args.get(++i));
        case "--out" -> out = Path.of(args.get(++i));
        case "--smtp-delay-ms" -> delay = Long.parseLong(args.get(++i));
        case "--app-override" -> {
          String[] override = args.get(++i).split("=", 2);
          if (override.length != 2) {
            throw new IllegalArgumentException("--app-override needs key=value: " + args.get(i));
          }
          appOverrides.put(override[0], override[1]);
        }
        case "--command" -> command = args.get(++i);
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    if (temporal == null || redis == null || appJar == null || config == null) {
      throw new IllegalArgumentException(
          "--temporal, --redis, --app-jar and --config are required");
    }
    if (delay < 0) {
      throw new IllegalArgumentException("--smtp-delay-ms must not be negative: " + delay);
    }
    return new Options(
        temporal,
        label,
        List.copyOf(serverPids),
        List.copyOf(postgresPids),
        stockTemporal,
        List.copyOf(stockServerPids),
        redis,
        List.copyOf(redisPids),
        appJar.toAbsolutePath(),
        config.toAbsolutePath(),
        out.toAbsolutePath(),
        quick,
        delay,
        Map.copyOf(appOverrides),
        command,
        Long.toString(System.currentTimeMillis() / 1000, 36));
  }
}
