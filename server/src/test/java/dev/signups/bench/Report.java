package dev.signups.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * What the phases measured, as the table on standard output and in {@code results.txt}, one line
 * per figure in {@code results.tsv}, and the last lines that scripts and people read.
 */
final class Report {

  /** Bare Temporal untuned, on a dev server with start-dev's own defaults: today's ceiling. */
  static final String B0_STOCK = "B0-stock";

  private final Options options;
  private final Benchmark.Profile profile;
  private final String started =
      OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString();
  private final String loadAtStart = firstLine(Path.of("/proc/loadavg"));
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final Map<String, Subject> subjects = new LinkedHashMap<>();
  private double openLoopRate = Double.NaN;
  private long serverRss = -1;
  private long postgresRss = -1;
  private long redisRss = -1;
  private long sinkRss = -1;
  private String failure;

  /** Everything about one of P, B0, B0-stock and R. */
  private static final class Subject {
    final List<Double> rounds = new ArrayList<>();
    final List<Double> acceptedRates = new ArrayList<>();
    final Histogram saturationAccept = new Histogram(3);
    final Histogram saturationInbox = new Histogram(3);
    long saturationSignups;
    long saturationRefused;
    long saturationMissing;
    long appCpu;
    long serverCpu;
    long postgresCpu;
    long redisCpu;
    long generatorCpu;
    long sinkCpu;
    long appWait;
    long storeWait;
    long storeWrites;
    double seconds;
    double busyWeighted;
    double iowaitWeighted;
    Histogram openAccept;
    Histogram openInbox;
    Histogram openLag;
    long openSignups = -1;
    long openRefused;
    long openMissing;
    long rss = -1;
    String rssDetail;
    long killAccepted = -1;
    long killLost;
    long killDuplicates;
    long killSameId;
    double killBack;
    double killDrained;
    double killAt;
  }

  Report(Options options, Benchmark.Profile profile) {
    this.options = options;
    this.profile = profile;
    List<String> names =
        options.stockTemporal() == null
            ? List.of("P", "B0", "R")
            : List.of("P", "B0", B0_STOCK, "R");
    names.forEach(name -> subjects.put(name, new Subject()));
  }

  void setting(String key, String value) {
    settings.put(key, value);
  }

  void saturationRound(
      String name,
      double deliveredPerSecond,
      double acceptedPerSecond,
      Histogram accept,
      Histogram inbox,
      long signups,
      long refused,
      long missing,
      Benchmark.Usage usage) {
    Subject s = subjects.get(name);
    s.rounds.add(deliveredPerSecond);
    s.acceptedRates.add(acceptedPerSecond);
    s.saturationAccept.add(accept);
    s.saturationInbox.add(inbox);
    s.saturationSignups += signups;
    s.saturationRefused += refused;
    s.saturationMissing += missing;
    s.appCpu += usage.app();
    s.serverCpu += usage.server();
    s.postgresCpu += usage.postgres();
    s.redisCpu += usage.redis();
    s.generatorCpu += usage.generator();
    s.sinkCpu += usage.sink();
    s.appWait += usage.appWait();
    s.storeWait += usage.storeWait();
    s.storeWrites =
        s.storeWrites < 0 || usage.storeWrites() < 0 ? -1 : s.storeWrites + usage.storeWrites();
    s.seconds += usage.seconds();
    s.busyWeighted += usage.machineBusyPercent() * usage.seconds();
    s.iowaitWeighted += usage.machineIowaitPercent() * usage.seconds();
  }

  double saturationMedian(String name) {
    return median(subjects.get(name).rounds);
  }

  void openLoopRate(double rate) {
    openLoopRate = rate;
  }

  void openLoop(
      String name,
      Histogram accept,
      Histogram inbox,
      long signups,
      long refused,
      long missing,
      Histogram lag) {
    Subject s = subjects.get(name);
    s.openAccept = accept;
    s.openInbox = inbox;
    s.openLag = lag;
    s.openSignups = signups;
    s.openRefused = refused;
    s.openMissing = missing;
  }

  void peakRss(String name, long mib) {
    subjects.get(name).rss = mib;
  }

  void peakRssDetail(String name, String detail) {
    subjects.get(name).rssDetail = detail;
  }

  void kill(
      String name,
      long accepted,
      long lost,
      long duplicates,
      long sameId,
      double back,
      double drained,
      double killAt) {
    Subject s = subjects.get(name);
    s.killAccepted = accepted;
    s.killLost = lost;
    s.killDuplicates = duplicates;
    s.killSameId = sameId;
    s.killBack = back;
    s.killDrained = drained;
    s.killAt = killAt;
  }

  void serverPeakRss(long mib) {
    serverRss = mib;
  }

  void postgresPeakRss(long mib) {
    postgresRss = mib;
  }

  void redisPeakRss(long mib) {
    redisRss = mib;
  }

  void sinkPeakRss(long mib) {
    sinkRss = mib;
  }

  void failed(String message) {
    failure = message;
  }

  /** Prints the report and writes results.txt and results.tsv into {@code directory}. */
  void write(Path directory) throws IOException {
    String text = text();
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("results.txt"), text, StandardCharsets.UTF_8);
    Files.writeString(directory.resolve("results.tsv"), tsv(), StandardCharsets.UTF_8);
    PrintStream out = System.out;
    out.print(text);
    out.flush();
  }

  private String text() {
    StringBuilder t = new StringBuilder();
    boolean cluster = !options.postgresPids().isEmpty();
    t.append("signups benchmark (")
        .append(profile.name())
        .append("): P = this project, B0 = bare Temporal, R = Redis list")
        .append(
            subjects.containsKey(B0_STOCK)
                ? "; B0-stock = bare Temporal untuned (the SDK's default worker options, an SMTP"
                    + " connection per email) on a second dev server with start-dev's defaults ("
                    + options.stockTemporal()
                    + ")\n"
                : "\n");
    t.append("date ").append(started).append("; ").append(host()).append('\n');
    t.append("server: ")
        .append(options.serverLabel())
        .append(" at ")
        .append(options.temporal())
        .append("; SMTP sink reply delay ")
        .append(options.smtpDelayMillis())
        .append(" ms\n");
    t.append("command: ").append(options.command()).append("\n\n");

    String rate =
        Double.isNaN(openLoopRate) ? "?" : String.format(Locale.ROOT, "%.1f/s", openLoopRate);
    t.append(String.format("| %-58s |", ""));
    subjects.keySet().forEach(name -> t.append(String.format(" %18s |", name)));
    t.append("\n|")
        .append("-".repeat(60))
        .append("|")
        .append(("-".repeat(19) + ":|").repeat(subjects.size()))
        .append('\n');
    row(
        t,
        "saturation: delivered signups/s, median of " + profile.rounds(),
        s -> rate(median(s.rounds)));
    row(t, "  each round", s -> s.rounds.isEmpty() ? "-" : join(s.rounds));
    row(
        t,
        "saturation: accept p50 / p99 ms (" + profile.clients() + " clients)",
        s ->
            s.saturationSignups == 0
                ? "-"
                : ms(s.saturationAccept, 50) + " / " + ms(s.saturationAccept, 99));
    row(
        t,
        "saturation: signup-to-250 p50 / p99 ms",
        s ->
            s.saturationSignups == 0
                ? "-"
                : ms(s.saturationInbox, 50) + " / " + ms(s.saturationInbox, 99));
    row(
        t,
        "saturation: not delivered / refused",
        s -> s.saturationSignups == 0 ? "-" : s.saturationMissing + " / " + s.saturationRefused);
    row(
        t,
        "open loop at " + rate + ": accept p50 / p99 ms",
        s -> s.openSignups < 0 ? "-" : ms(s.openAccept, 50) + " / " + ms(s.openAccept, 99));
    row(
        t,
        "open loop: signup-to-250 p50 / p99 ms",
        s -> s.openSignups < 0 ? "-" : ms(s.openInbox, 50) + " / " + ms(s.openInbox, 99));
    row(
        t,
        "open loop: signups / not delivered / refused",
        s ->
            s.openSignups < 0
                ? "-"
                : s.openSignups + " / " + s.openMissing + " / " + s.openRefused);
    row(t, "CPU ms per signup: app (B0: its worker)", s -> perSignup(s, s.appCpu));
    row(
        t,
        "CPU ms per signup: Temporal server (R: Redis)",
        s -> perSignup(s, s == subjects.get("R") ? s.redisCpu : s.serverCpu));
    if (cluster) {
      row(t, "CPU ms per signup: PostgreSQL", s -> perSignup(s, s.postgresCpu));
    }
    row(
        t,
        "CPU ms per signup: load generator (B0: + its client)",
        s -> perSignup(s, s.generatorCpu));
    row(t, "CPU ms per signup: SMTP sink", s -> perSignup(s, s.sinkCpu));
    row(
        t,
        "saturation: cores used by app / server",
        s ->
            s.seconds == 0
                ? "-"
                : cores(s.appCpu, s.seconds)
                    + " / "
                    + cores(
                        s == subjects.get("R") ? s.redisCpu : s.serverCpu + s.postgresCpu,
                        s.seconds));
    row(
        t,
        "saturation: ms per signup waiting for a CPU: app / server",
        s ->
            s.saturationSignups == 0
                ? "-"
                : perSignup(s, s.appWait) + " / " + perSignup(s, s.storeWait));
    row(
        t,
        "saturation: KB written to disk per signup by the server",
        s ->
            s.saturationSignups == 0 || s.storeWrites < 0
                ? "-"
                : String.format(Locale.ROOT, "%.1f", s.storeWrites / 1024.0 / s.saturationSignups));
    row(
        t,
        "saturation: machine busy / iowait %",
        s ->
            s.seconds == 0
                ? "-"
                : String.format(
                    Locale.ROOT,
                    "%.0f / %.1f",
                    s.busyWeighted / s.seconds,
                    s.iowaitWeighted / s.seconds));
    row(
        t,
        "peak RSS MB: app (R: API + worker)",
        s -> s.rss < 0 ? "-" : s.rssDetail != null ? s.rssDetail : Long.toString(s.rss));
    row(
        t,
        "kill -9 of the worker: signups / lost / duplicates",
        s ->
            s.killAccepted < 0
                ? (bare(s) ? "n/a" : "-")
                : s.killAccepted + " / " + s.killLost + " / " + s.killDuplicates);
    row(
        t,
        "kill -9: worker back / last email, s after the kill",
        s ->
            s.killAccepted < 0
                ? (bare(s) ? "n/a" : "-")
                : String.format(Locale.ROOT, "%.1f / %.1f", s.killBack, s.killDrained));
    row(
        t,
        "open loop: generator dispatch lag p99 / max ms",
        s ->
            s.openLag == null
                ? "-"
                : ms(s.openLag, 99)
                    + " / "
                    + String.format(Locale.ROOT, "%.1f", s.openLag.getMaxValue() / 1e3));
    t.append('\n');
    t.append("Temporal server peak RSS ").append(mb(serverRss));
    if (cluster) {
      t.append(" (4 services); PostgreSQL ").append(mb(postgresRss)).append(" (all its processes)");
    }
    t.append("; Redis ")
        .append(mb(redisRss))
        .append("; SMTP sink ")
        .append(mb(sinkRss))
        .append('\n');
    settings.forEach((key, value) -> t.append(key).append(": ").append(value).append('\n'));
    t.append(
        String.format(
            Locale.ROOT,
            "phases: %s warm-up, %d x %d s saturation, %d s open loop, %d s closed loop with the kill at %.0f%%%s%n",
            profile.warmUp().isZero() ? "no" : profile.warmUp().toSeconds() + " s",
            profile.rounds(),
            profile.saturation().toSeconds(),
            profile.openLoop().toSeconds(),
            profile.kill().toSeconds(),
            profile.killAt() * 100,
            options.quick()
                ? "; quick: JVMs with C1 only, P's split processes with"
                    + " sendEmail.startToCloseTimeout=5s"
                : ""));
    t.append("logs: ").append(options.out().resolve("logs")).append('\n');
    if (failure != null) {
      t.append("FAILED: ").append(failure).append('\n');
    }
    t.append('\n');
    Subject p = subjects.get("P");
    Subject b0 = subjects.get("B0");
    Subject r = subjects.get("R");
    double ratio = median(p.rounds) / median(b0.rounds);
    if (subjects.containsKey(B0_STOCK)) {
      t.append("ratio_throughput_vs_stock_bare=")
          .append(number(median(p.rounds) / median(subjects.get(B0_STOCK).rounds), 2))
          .append('\n');
    }
    t.append("ratio_throughput_vs_bare=").append(number(ratio, 2)).append('\n');
    t.append("signups_per_s=").append(number(median(p.rounds), 1)).append('\n');
    t.append("p99_accept_ms=").append(p.openSignups < 0 ? "NA" : ms(p.openAccept, 99)).append('\n');
    t.append("p50_inbox_ms=").append(p.openSignups < 0 ? "NA" : ms(p.openInbox, 50)).append('\n');
    t.append("p99_inbox_ms=").append(p.openSignups < 0 ? "NA" : ms(p.openInbox, 99)).append('\n');
    t.append("lost_on_kill_project=")
        .append(p.killAccepted < 0 ? "NA" : Long.toString(p.killLost))
        .append('\n');
    t.append("lost_on_kill_redis=")
        .append(r.killAccepted < 0 ? "NA" : Long.toString(r.killLost))
        .append('\n');
    return t.toString();
  }

  private String tsv() {
    StringBuilder t = new StringBuilder("subject\tmetric\tvalue\n");
    subjects.forEach(
        (name, s) -> {
          tsv(t, name, "saturation_delivered_per_s", number(median(s.rounds), 2));
          tsv(t, name, "saturation_rounds_per_s", s.rounds.isEmpty() ? "NA" : join(s.rounds));
          tsv(t, name, "saturation_accepted_per_s", number(median(s.acceptedRates), 2));
          if (s.saturationSignups > 0) {
            tsv(t, name, "saturation_accept_p50_ms", ms(s.saturationAccept, 50));
            tsv(t, name, "saturation_accept_p99_ms", ms(s.saturationAccept, 99));
            tsv(t, name, "saturation_signups", Long.toString(s.saturationSignups));
            tsv(t, name, "saturation_not_delivered", Long.toString(s.saturationMissing));
            tsv(t, name, "cpu_ms_per_signup_app", perSignup(s, s.appCpu));
            tsv(t, name, "cpu_ms_per_signup_temporal", perSignup(s, s.serverCpu));
            tsv(t, name, "cpu_ms_per_signup_postgres", perSignup(s, s.postgresCpu));
            tsv(t, name, "cpu_ms_per_signup_redis", perSignup(s, s.redisCpu));
            tsv(t, name, "cpu_ms_per_signup_generator", perSignup(s, s.generatorCpu));
            tsv(t, name, "cpu_ms_per_signup_sink", perSignup(s, s.sinkCpu));
            tsv(t, name, "cpu_wait_ms_per_signup_app", perSignup(s, s.appWait));
            tsv(t, name, "cpu_wait_ms_per_signup_server", perSignup(s, s.storeWait));
            tsv(
                t,
                name,
                "disk_kb_per_signup_server",
                s.storeWrites < 0
                    ? "NA"
                    : String.format(
                        Locale.ROOT, "%.1f", s.storeWrites / 1024.0 / s.saturationSignups));
          }
          if (s.openSignups >= 0) {
            tsv(t, name, "open_loop_per_s", number(openLoopRate, 2));
            tsv(t, name, "open_accept_p50_ms", ms(s.openAccept, 50));
            tsv(t, name, "open_accept_p99_ms", ms(s.openAccept, 99));
            tsv(t, name, "open_inbox_p50_ms", ms(s.openInbox, 50));
            tsv(t, name, "open_inbox_p99_ms", ms(s.openInbox, 99));
            tsv(t, name, "open_not_delivered", Long.toString(s.openMissing));
          }
          if (s.rss >= 0) {
            tsv(t, name, "peak_rss_mb", Long.toString(s.rss));
          }
          if (s.killAccepted >= 0) {
            tsv(t, name, "kill_signups", Long.toString(s.killAccepted));
            tsv(t, name, "kill_lost", Long.toString(s.killLost));
            tsv(t, name, "kill_duplicates", Long.toString(s.killDuplicates));
            tsv(t, name, "kill_worker_back_s", number(s.killBack, 1));
            tsv(t, name, "kill_last_email_s", number(s.killDrained, 1));
          }
        });
    tsv(t, "server", "peak_rss_mb", Long.toString(serverRss));
    return t.toString();
  }

  private static void tsv(StringBuilder t, String subject, String metric, String value) {
    t.append(subject).append('\t').append(metric).append('\t').append(value).append('\n');
  }

  private void row(StringBuilder t, String label, Function<Subject, String> cell) {
    t.append(String.format("| %-58s |", label));
    subjects.values().forEach(s -> t.append(String.format(" %18s |", cell.apply(s))));
    t.append('\n');
  }

  /** Whether {@code s} is bare Temporal, which has no kill phase. */
  private boolean bare(Subject s) {
    return s == subjects.get("B0") || s == subjects.get(B0_STOCK);
  }

  private static String perSignup(Subject s, long cpuMillis) {
    return s.saturationSignups == 0
        ? "-"
        : String.format(Locale.ROOT, "%.2f", (double) cpuMillis / s.saturationSignups);
  }

  private static String cores(long cpuMillis, double seconds) {
    return String.format(Locale.ROOT, "%.2f", cpuMillis / 1000.0 / seconds);
  }

  private static String ms(Histogram h, double percentile) {
    if (h == null || h.getTotalCount() == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f", h.getValueAtPercentile(percentile) / 1e3);
  }

  private static String rate(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String number(double value, int decimals) {
    return Double.isNaN(value) || Double.isInfinite(value)
        ? "NA"
        : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  private static String mb(long mib) {
    return mib < 0 ? "-" : mib + " MB";
  }

  private static String join(List<Double> values) {
    return String.join(
        ", ", values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toList());
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private String host() {
    String model = "?";
    long memKib = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memKib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // Leave the unknowns as they are.
    }
    return String.format(
        Locale.ROOT,
        "nproc %d; %s; memory %d GiB; load average at start %s",
        Runtime.getRuntime().availableProcessors(),
        model,
        Math.round(memKib / 1024.0 / 1024.0),
        loadAtStart);
  }

  private static String firstLine(Path file) {
    try {
      return Files.readAllLines(file).get(0).strip();
    } catch (IOException | IndexOutOfBoundsException e) {
      return "?";
    }
  }
}
