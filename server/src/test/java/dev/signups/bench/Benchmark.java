package dev.signups.bench;

import dev.signups.activities.Recipient;
import dev.signups.activities.mail.OutgoingEmail;
import dev.signups.activities.mail.SmtpEmailSender;
import dev.signups.server.SignupConfiguration;
import dev.signups.server.core.SignupIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.RedisClient;

/**
 * The benchmark run: starts the SMTP sink and the systems on the Temporal server and the Redis that
 * scripts/bench started (and B0-stock on the second, stock dev server), measures them phase by
 * phase, alternating between them so that a burst of load from elsewhere on the machine hits all of
 * them alike, and writes the report.
 *
 * <ol>
 *   <li>warm-up: an end-to-end closed loop on each (JIT, connection pools, caches), not reported;
 *   <li>saturation, in rounds P, B0, B0-stock (with the dev server), R, P, B0…: {@link
 *       Profile#clients} clients in an end-to-end closed loop (each sends its next signup once the
 *       email of its last one has arrived) for {@link Profile#saturation};
 *   <li>open loop at half of P's saturation throughput (the median of its rounds), on each;
 *   <li>kill -9 of P's worker, with P's API and worker as separate processes, and of R's worker,
 *       each {@link Profile#killAt} into an HTTP closed loop (a backlog builds, as in a burst) of
 *       {@link Profile#kill}, restarted at once; the signups whose email never arrives are the lost
 *       ones.
 * </ol>
 */
final class Benchmark {

  /**
   * How long each phase runs.
   *
   * @param warmUp each system's warm-up; zero for none
   * @param rounds saturation rounds per system
   * @param saturation one saturation round
   * @param openLoop each system's open-loop phase
   * @param kill the closed loop during which the worker is killed
   * @param killAt when in {@code kill} the worker is killed, as a fraction
   * @param drain the longest wait for the emails of a phase once it stopped sending
   * @param clients the closed loops' clients
   */
  record Profile(
      String name,
      Duration warmUp,
      int rounds,
      Duration saturation,
      Duration openLoop,
      Duration kill,
      double killAt,
      Duration drain,
      int clients) {}

  static final Profile FULL =
      new Profile(
          "full",
          Duration.ofSeconds(6),
          3,
          Duration.ofSeconds(10),
          Duration.ofSeconds(25),
          Duration.ofSeconds(12),
          0.4,
          Duration.ofSeconds(120),
          32);

  static final Profile QUICK =
      new Profile(
          "quick",
          Duration.ZERO,
          1,
          Duration.ofSeconds(3),
          Duration.ofSeconds(4),
          Duration.ofSeconds(6),
          0.4,
          Duration.ofSeconds(60),
          8);

  /**
   * Overrides of the quick run's split P processes only, so that the attempt lost with the killed
   * worker is retried within seconds (as WorkerCrashIT does); the full run keeps config.yml's.
   */
  private static final Duration QUICK_ATTEMPT = Duration.ofSeconds(5);

  private static final Map<String, String> QUICK_KILL_OVERRIDES =
      Map.of(
          "sendEmail.startToCloseTimeout", QUICK_ATTEMPT.toSeconds() + "s",
          "smtp.connectTimeout", "2s",
          "smtp.readTimeout", "4s",
          "smtp.writeTimeout", "4s");

  /**
   * The quick run's JVMs compile with C1 only, which starts them in a fraction of the time on a
   * small machine; its figures mean nothing anyway.
   */
  private static final List<String> QUICK_JVM = List.of("-XX:TieredStopAtLevel=1");

  /** The task queue of P's API and worker as separate processes, for the kill. */
  private static final String KILL_QUEUE = "signups-kill";

  /** What a benchmark must raise: the per-client and per-domain rate limits. */
  static final Map<String, String> UNLIMITED =
      Map.of(
          "rateLimits.perClient.requests", "1000000000",
          "rateLimits.perDomain.requests", "1000000000");

  private static final Duration STARTUP = Duration.ofSeconds(180);

  private final Options options;
  private final Profile profile;
  private final Path logs;
  private final Deque<AutoCloseable> resources = new ConcurrentLinkedDeque<>();
  private final Report report;
  private SignupConfiguration config;
  private Inbox inbox;

  /** Emails sent by {@link #meanSendMillis} so far, which makes each one's Message-ID unique. */
  private int smtpSendEmails;

  private Benchmark(Options options) {
    this.options = options;
    this.profile = options.quick() ? QUICK : FULL;
    this.logs = options.out().resolve("logs");
    this.report = new Report(options, profile);
  }

  /** Runs the benchmark; returns the exit status: 0, or 1 when a phase failed to run. */
  static int run(Options options) throws Exception {
    Benchmark benchmark = new Benchmark(options);
    AtomicBoolean finished = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (!finished.get()) {
                    Main.log("stopped from outside (a signal); stopping what it started");
                  }
                  benchmark.closeAll();
                },
                "bench-cleanup"));
    try {
      benchmark.measure();
      benchmark.report.write(options.out());
      return 0;
    } catch (Exception | AssertionError e) {
      Main.log("FAILED: " + e.getMessage());
      benchmark.report.failed(e.toString());
      benchmark.report.write(options.out());
      return 1;
    } finally {
      benchmark.closeAll();
      finished.set(true);
    }
  }

  /** A system under test: how to reach it and which processes are its own. */
  private record Subject(String name, Supplier<SignupTarget> target, List<ChildProcess> processes) {
    List<Long> pids() {
      return processes.stream().map(ChildProcess::pid).toList();
    }
  }

  private void measure() throws Exception {
    Files.createDirectories(logs);
    config = BenchConfig.load(options.config());
    report.setting("worker", workerSettings());
    Main.log("starting the SMTP sink (reply delay " + options.smtpDelayMillis() + " ms)");
    inbox =
        Inbox.start(
            options.smtpDelayMillis(),
            options.quick() ? QUICK_JVM : List.of(),
            logs.resolve("sink.log"));
    resources.push(inbox);

    int pApi = FreePorts.next();
    int pAdmin = FreePorts.next();
    int rApi = FreePorts.next();
    int rAdmin = FreePorts.next();
    int sApi = FreePorts.next();
    int sAdmin = FreePorts.next();
    int wApi = FreePorts.next();
    int wAdmin = FreePorts.next();
    Main.log("starting P (the app), B0's worker, R's API and worker, and P's API and worker apart");
    ChildProcess p = app("P", List.of(), Map.of(), pApi, pAdmin);
    ChildProcess b0 =
        child(
            "B0-worker",
            ChildProcess.java(
                List.of(),
                Main.class.getName(),
                "bare-worker",
                options.temporal(),
                options.config().toString()),
            Map.of());
    ChildProcess b0Stock =
        options.stockTemporal() == null
            ? null
            : child(
                "B0-stock-worker",
                ChildProcess.java(
                    List.of("-Ddw.smtp.maxIdleConnections=0"),
                    Main.class.getName(),
                    "bare-worker",
                    options.stockTemporal(),
                    options.config().toString(),
                    "stock"),
                Map.of());
    ChildProcess rHttp =
        child(
            "R-api",
            ChildProcess.java(
                overrides(List.of("-Dbench.redis=" + options.redis()), UNLIMITED),
                Main.class.getName(),
                "redis-api",
                "server",
                options.config().toString()),
            ports(rApi, rAdmin));
    ChildProcess rWorker =
        child(
            "R-worker",
            ChildProcess.java(
                List.of(),
                Main.class.getName(),
                "redis-worker",
                options.config().toString(),
                options.redis()),
            Map.of());
    // For the kill: P's roles in two processes, on a task queue of their own so that they never
    // take the combined app's tasks, started now so that their start-up is not timed anywhere.
    Map<String, String> apart = new LinkedHashMap<>(Map.of("temporal.taskQueue", KILL_QUEUE));
    if (options.quick()) {
      apart.putAll(QUICK_KILL_OVERRIDES);
    }
    ChildProcess pApiOnly = app("P-api", List.of("-Ddw.roles=api"), apart, sApi, sAdmin);
    ChildProcess pWorkerOnly = app("P-worker", List.of("-Ddw.roles=worker"), apart, wApi, wAdmin);
    p.awaitHttp(health(pAdmin), STARTUP);
    b0.awaitReadyLine(STARTUP);
    if (b0Stock != null) {
      b0Stock.awaitReadyLine(STARTUP);
    }
    rHttp.awaitHttp(health(rAdmin), STARTUP);
    rWorker.awaitReadyLine(STARTUP);
    pApiOnly.awaitHttp(health(sAdmin), STARTUP);
    pWorkerOnly.awaitHttp(health(wAdmin), STARTUP);
    // The application registers the "worker" health check only where it runs a worker.
    if (ChildProcess.get(health(sAdmin)).contains("\"worker\"")
        || !ChildProcess.get(health(wAdmin)).contains("\"worker\"")) {
      throw new IllegalStateException("P-api runs a worker, or P-worker does not; see " + logs);
    }
    Main.log("all up");

    List<Subject> subjects = new ArrayList<>();
    subjects.add(new Subject("P", () -> new HttpSignupTarget(pApi), List.of(p)));
    subjects.add(new Subject("B0", () -> bare(options.temporal()), List.of(b0)));
    if (b0Stock != null) {
      subjects.add(
          new Subject(Report.B0_STOCK, () -> bare(options.stockTemporal()), List.of(b0Stock)));
    }
    subjects.add(new Subject("R", () -> new HttpSignupTarget(rApi), List.of(rHttp, rWorker)));

    warmUp(subjects);

    for (int round = 1; round <= profile.rounds(); round++) {
      for (Subject subject : subjects) {
        saturate(subject, round);
      }
    }

    double pSaturation = report.saturationMedian("P");
    if (!(pSaturation > 0)) {
      throw new IllegalStateException("P delivered nothing at saturation; see " + logs);
    }
    double rate = pSaturation / 2;
    report.openLoopRate(rate);
    Map<String, String> sampled = new HashMap<>();
    for (Subject subject : subjects) {
      LoadGenerator.Result open = openLoop(subject, rate);
      if (!open.accepted().isEmpty()) {
        sampled.put(subject.name(), open.accepted().get(0).email());
      }
    }
    diagnose(pAdmin, sampled);

    report.peakRss("P", ProcStats.peakRssMib(p.pid()));
    report.peakRss("B0", ProcStats.peakRssMib(b0.pid()));
    report.peakRss("R", ProcStats.peakRssMib(rHttp.pid()) + ProcStats.peakRssMib(rWorker.pid()));
    report.peakRssDetail(
        "R", ProcStats.peakRssMib(rHttp.pid()) + " + " + ProcStats.peakRssMib(rWorker.pid()));

    Duration attempt =
        options.quick()
            ? QUICK_ATTEMPT
            : config.getSendEmail().getStartToCloseTimeout().toJavaDuration();
    killWorker(
        "P",
        () -> new HttpSignupTarget(sApi),
        pWorkerOnly,
        () -> pWorkerOnly.awaitHttp(health(wAdmin), STARTUP),
        attempt.plus(Duration.ofSeconds(60)),
        null);
    try (RedisClient redis = redis()) {
      killWorker(
          "R",
          () -> new HttpSignupTarget(rApi),
          rWorker,
          () -> rWorker.awaitReadyLine(STARTUP),
          Duration.ofSeconds(60),
          () -> redis.llen(RedisQueue.KEY) == 0);
    }

    smtpSendTimes(inbox.port());

    report.serverPeakRss(ProcStats.peakRssMibOfTree(options.serverPids()));
    if (!options.postgresPids().isEmpty()) {
      report.postgresPeakRss(ProcStats.peakRssMibOfTree(options.postgresPids()));
    }
    report.redisPeakRss(ProcStats.peakRssMibOfTree(options.redisPids()));
    report.sinkPeakRss(ProcStats.peakRssMib(inbox.pid()));
  }

  /**
   * Reports the mean time of one email sent through the app's SMTP sender to the sink, one at a
   * time: on the connections it reuses, and with a new connection for each ({@code
   * smtp.maxIdleConnections} 0, as B0-stock), what connection reuse saves per email.
   */
  private void smtpSendTimes(int sinkPort) throws Exception {
    System.setProperty("dw.smtp.host", "127.0.0.1");
    System.setProperty("dw.smtp.port", Integer.toString(sinkPort));
    double reused = meanSendMillis("reused connections");
    System.setProperty("dw.smtp.maxIdleConnections", "0");
    double fresh = meanSendMillis("a new connection per email");
    report.setting(
        "SMTP send, one email at a time through the app's sender",
        String.format(
            Locale.ROOT,
            "%.1f ms on reused connections, %.1f ms on a new connection per email (%.1fx)",
            reused,
            fresh,
            fresh / reused));
  }

  /**
   * The mean time of one email through a sender built from {@code config.yml} and the {@code
   * -Ddw.smtp} properties set now, after one email that opens its first connection.
   */
  private double meanSendMillis(String connections) throws Exception {
    int emails = options.quick() ? 10 : 100;
    Main.log("SMTP send: " + emails + " emails, one at a time, on " + connections);
    try (SmtpEmailSender sender = BenchConfig.load(options.config()).getSmtp().build()) {
      sender.send(smtpSendEmail());
      long start = System.nanoTime();
      for (int i = 0; i < emails; i++) {
        sender.send(smtpSendEmail());
      }
      return (System.nanoTime() - start) / 1e6 / emails;
    }
  }

  private OutgoingEmail smtpSendEmail() {
    int i = smtpSendEmails++;
    return new OutgoingEmail(
        "smtp-send-" + options.runId() + "-" + i,
        new Recipient("smtp-send-" + i + "@bench.example", "Bench"),
        "Please confirm your email address",
        "Confirm: https://example.com/signups/confirm?token=x",
        "<p>Confirm</p>");
  }

  private BareTemporalTarget bare(String temporal) {
    return new BareTemporalTarget(
        temporal, config.getTemporal().getNamespace(), config.getConfirmation().policy().window());
  }

  private void warmUp(List<Subject> subjects) throws InterruptedException {
    if (profile.warmUp().isZero()) {
      return;
    }
    for (Subject subject : subjects) {
      Main.log("warm-up " + subject.name() + " (" + profile.warmUp().toSeconds() + " s)");
      try (SignupTarget target = subject.target().get()) {
        LoadGenerator.Result warm =
            LoadGenerator.closedLoop(
                target, prefix("warm", subject.name()), profile.clients(), profile.warmUp(), inbox);
        inbox.awaitAll(emails(warm), profile.drain());
      }
    }
  }

  /** P's worker metrics and the shape of one history of P and of B0, into the report. */
  private void diagnose(int pAdmin, Map<String, String> sampled)
      throws IOException, InterruptedException {
    String prometheus = ChildProcess.get("http://127.0.0.1:" + pAdmin + "/prometheus");
    Files.writeString(logs.resolve("P-prometheus.txt"), prometheus);
    report.setting(
        "P's worker over the run (its /prometheus)", Diagnostics.workerMetrics(prometheus));
    if (sampled.containsKey("P") && sampled.containsKey("B0")) {
      String namespace = config.getTemporal().getNamespace();
      String p = new SignupIds(config.getSignupIdSecret()).idFor(sampled.get("P"));
      String b0 = BareTemporalTarget.workflowId(sampled.get("B0"));
      report.setting(
          "one signup's history so far",
          "P "
              + Diagnostics.historyShape(options.temporal(), namespace, p)
              + "; B0 "
              + Diagnostics.historyShape(options.temporal(), namespace, b0));
    }
  }

  private void saturate(Subject subject, int round) throws Exception {
    Main.log(
        "saturation round "
            + round
            + ": "
            + subject.name()
            + ", "
            + profile.clients()
            + " clients for "
            + profile.saturation().toSeconds()
            + " s");
    Cpu before = cpu(subject);
    LoadGenerator.Result result;
    try (SignupTarget target = subject.target().get()) {
      result =
          LoadGenerator.closedLoop(
              target,
              prefix("sat" + round, subject.name()),
              profile.clients(),
              profile.saturation(),
              inbox);
    }
    Set<String> missing = inbox.awaitAll(emails(result), profile.drain());
    Cpu after = cpu(subject);
    checkAlive(subject);
    if (result.accepted().isEmpty()) {
      throw new IllegalStateException(
          subject.name() + " accepted nothing; refused: " + result.refused() + "; see " + logs);
    }
    // Sustained: the emails that arrived in the last 80 % of the round, the first 20 % filling the
    // pipeline; the loop keeps it full until the end, with no backlog to drain.
    long from = result.startMicros() + (result.endMicros() - result.startMicros()) / 5;
    long inWindow =
        result.accepted().stream()
            .map(sent -> inbox.first(sent.email()))
            .filter(
                d ->
                    d != null
                        && d.acceptedMicros() >= from
                        && d.acceptedMicros() < result.endMicros())
            .count();
    long delivered = result.accepted().size() - missing.size();
    long lastDelivery =
        result.accepted().stream()
            .map(sent -> inbox.first(sent.email()))
            .filter(d -> d != null)
            .mapToLong(Inbox.Delivery::acceptedMicros)
            .max()
            .orElse(result.endMicros());
    Histogram inboxMicros = new Histogram(3);
    for (LoadGenerator.Sent sent : result.accepted()) {
      Inbox.Delivery first = inbox.first(sent.email());
      if (first != null) {
        inboxMicros.recordValue(Math.max(0, first.acceptedMicros() - sent.dueMicros()));
      }
    }
    // A round too short or too slow for its window (the quick run's) counts every email instead.
    double perSecond =
        inWindow >= 10
            ? inWindow / ((result.endMicros() - from) / 1e6)
            : delivered / Math.max(1e-3, (lastDelivery - result.startMicros()) / 1e6);
    double acceptedPerSecond = result.accepted().size() / result.seconds();
    report.saturationRound(
        subject.name(),
        perSecond,
        acceptedPerSecond,
        result.acceptMicros(),
        inboxMicros,
        result.accepted().size(),
        result.refusedCount(),
        missing.size(),
        before.until(after));
    Main.log(
        String.format(
            "  %s: %.1f delivered/s, %.1f accepted/s, accept p99 %.0f ms, not delivered %d, refused %s",
            subject.name(),
            perSecond,
            acceptedPerSecond,
            result.acceptMicros().getValueAtPercentile(99) / 1e3,
            missing.size(),
            result.refused()));
  }

  private LoadGenerator.Result openLoop(Subject subject, double rate) throws Exception {
    Main.log(
        String.format(
            "open loop: %s at %.1f/s for %d s",
            subject.name(), rate, profile.openLoop().toSeconds()));
    LoadGenerator.Result result;
    try (SignupTarget target = subject.target().get()) {
      result =
          LoadGenerator.openLoop(target, prefix("open", subject.name()), rate, profile.openLoop());
    }
    Set<String> missing = inbox.awaitAll(emails(result), profile.drain());
    checkAlive(subject);
    Histogram inboxMicros = new Histogram(3);
    for (LoadGenerator.Sent sent : result.accepted()) {
      Inbox.Delivery first = inbox.first(sent.email());
      if (first != null) {
        inboxMicros.recordValue(Math.max(0, first.acceptedMicros() - sent.dueMicros()));
      }
    }
    report.openLoop(
        subject.name(),
        result.acceptMicros(),
        inboxMicros,
        result.accepted().size(),
        result.refusedCount(),
        missing.size(),
        result.dispatchLagMicros());
    Main.log(
        String.format(
            "  %s: accept p50 %.1f p99 %.1f ms, signup-to-250 p50 %.1f p99 %.1f ms, not delivered %d",
            subject.name(),
            result.acceptMicros().getValueAtPercentile(50) / 1e3,
            result.acceptMicros().getValueAtPercentile(99) / 1e3,
            inboxMicros.getValueAtPercentile(50) / 1e3,
            inboxMicros.getValueAtPercentile(99) / 1e3,
            missing.size()));
    return result;
  }

  /** What tells that a restarted worker is ready. */
  private interface Readiness {
    void await() throws Exception;
  }

  /** Whether a system that lost signups has settled, so waiting longer cannot bring them back. */
  private interface Settled {
    boolean now();
  }

  /**
   * Kill -9 of {@code worker} at {@link Profile#killAt} of a closed-loop run, restarted at once;
   * then waits until every accepted signup has its email, or, when {@code settled} says there is
   * nothing left to send (R: the list is empty), no email came for 3 s, or {@code patience} after
   * the kill.
   */
  private void killWorker(
      String name,
      Supplier<SignupTarget> targets,
      ChildProcess worker,
      Readiness ready,
      Duration patience,
      Settled settled)
      throws Exception {
    Main.log(
        name
            + ": kill -9 of the worker "
            + Math.round(profile.kill().toSeconds() * profile.killAt())
            + " s into a "
            + profile.kill().toSeconds()
            + " s closed loop");
    AtomicReference<LoadGenerator.Result> load = new AtomicReference<>();
    AtomicReference<Exception> loadFailure = new AtomicReference<>();
    try (SignupTarget target = targets.get()) {
      Thread loader =
          new Thread(
              () -> {
                try {
                  load.set(
                      LoadGenerator.closedLoop(
                          target, prefix("kill", name), profile.clients(), profile.kill(), null));
                } catch (Exception e) {
                  loadFailure.set(e);
                }
              },
              "kill-load");
      long started = System.nanoTime();
      loader.start();
      Thread.sleep(Math.round(profile.kill().toMillis() * profile.killAt()));
      long killed = System.nanoTime();
      worker.kill();
      Main.log("  " + name + ": killed " + worker.name() + "; restarting it");
      worker.restart();
      ready.await();
      double backAfter = (System.nanoTime() - killed) / 1e9;
      Main.log(String.format("  %s: worker back %.1f s after the kill", name, backAfter));
      loader.join();
      if (loadFailure.get() != null) {
        throw loadFailure.get();
      }
      LoadGenerator.Result result = load.get();
      List<String> emails = emails(result);
      long deadline = killed + patience.toNanos();
      Set<String> missing = Set.copyOf(emails);
      long lastChange = System.nanoTime();
      int lastMissing = missing.size();
      while (true) {
        missing = inbox.awaitAll(missing, Duration.ofMillis(500));
        long now = System.nanoTime();
        if (missing.size() != lastMissing) {
          lastMissing = missing.size();
          lastChange = now;
        }
        boolean quiet = settled != null && settled.now() && now - lastChange > 3_000_000_000L;
        if (missing.isEmpty() || quiet || now > deadline) {
          break;
        }
      }
      int duplicates = 0;
      int sameId = 0;
      long lastDelivery = 0;
      for (String email : emails) {
        List<Inbox.Delivery> copies = inbox.deliveries(email);
        if (!copies.isEmpty()) {
          lastDelivery = Math.max(lastDelivery, copies.get(0).acceptedMicros());
        }
        if (copies.size() > 1) {
          duplicates += copies.size() - 1;
          String id = copies.get(0).messageId();
          sameId += (int) copies.stream().skip(1).filter(c -> c.messageId().equals(id)).count();
        }
      }
      long killedMicros = LoadGenerator.Clock.micros(killed);
      double drained = lastDelivery > killedMicros ? (lastDelivery - killedMicros) / 1e6 : 0;
      report.kill(
          name,
          emails.size(),
          missing.size(),
          duplicates,
          sameId,
          backAfter,
          drained,
          (killed - started) / 1e9);
      Main.log(
          String.format(
              "  %s: accepted %d, lost %d, duplicates %d (%d with the same Message-ID), last email %.1f s after the kill",
              name, emails.size(), missing.size(), duplicates, sameId, drained));
    }
  }

  /** Counters so far of a subject's processes, the server's, the generator's and the sink's. */
  private record Cpu(
      long app,
      long server,
      long postgres,
      long redis,
      long generator,
      long sink,
      long appWait,
      long serverWait,
      long storeWrites,
      long[] machine,
      long nanos) {

    Usage until(Cpu later) {
      long[] m = new long[3];
      for (int i = 0; i < 3; i++) {
        m[i] = later.machine[i] - machine[i];
      }
      return new Usage(
          later.app - app,
          later.server - server,
          later.postgres - postgres,
          later.redis - redis,
          later.generator - generator,
          later.sink - sink,
          later.appWait - appWait,
          later.serverWait - serverWait,
          storeWrites < 0 || later.storeWrites < 0 ? -1 : later.storeWrites - storeWrites,
          m[2] == 0 ? 0 : 100.0 * m[0] / m[2],
          m[2] == 0 ? 0 : 100.0 * m[1] / m[2],
          (later.nanos - nanos) / 1e9);
    }
  }

  /**
   * What a phase used: CPU milliseconds of each party; milliseconds the subject's processes and the
   * store's (the Temporal server and PostgreSQL, or Redis for R) waited for a CPU; bytes the store
   * wrote to disk, -1 if unknown; the machine's busy and iowait share.
   */
  record Usage(
      long app,
      long server,
      long postgres,
      long redis,
      long generator,
      long sink,
      long appWait,
      long storeWait,
      long storeWrites,
      double machineBusyPercent,
      double machineIowaitPercent,
      double seconds) {}

  private Cpu cpu(Subject subject) {
    List<Long> server =
        subject.name().equals(Report.B0_STOCK) ? options.stockServerPids() : options.serverPids();
    List<Long> store = new ArrayList<>();
    if (subject.name().equals("R")) {
      store.addAll(options.redisPids());
    } else {
      store.addAll(server);
      store.addAll(options.postgresPids());
    }
    return new Cpu(
        ProcStats.cpuMillis(subject.pids()),
        ProcStats.cpuMillis(server),
        ProcStats.cpuMillis(options.postgresPids()),
        ProcStats.cpuMillis(options.redisPids()),
        ProcStats.ownCpuMillis(ProcessHandle.current().pid()),
        ProcStats.cpuMillis(List.of(inbox.pid())),
        ProcStats.runQueueWaitMillis(subject.pids()),
        ProcStats.runQueueWaitMillis(store),
        ProcStats.writeBytes(store),
        ProcStats.machineTicks(),
        System.nanoTime());
  }

  private ChildProcess app(
      String name,
      List<String> jvmOptions,
      Map<String, String> extraOverrides,
      int apiPort,
      int adminPort)
      throws IOException {
    Map<String, String> all = new LinkedHashMap<>(UNLIMITED);
    all.putAll(options.appOverrides());
    all.putAll(extraOverrides);
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.java(List.of(), "x").get(0));
    command.addAll(overrides(jvmOptions, all));
    command.addAll(
        List.of("-jar", options.appJar().toString(), "server", options.config().toString()));
    Map<String, String> environment = new HashMap<>(ports(apiPort, adminPort));
    environment.put("PUBLIC_BASE_URL", "http://127.0.0.1:" + apiPort);
    return child(name, command, environment);
  }

  private ChildProcess child(String name, List<String> javaCommand, Map<String, String> extra)
      throws IOException {
    List<String> command = new ArrayList<>(javaCommand);
    if (options.quick()) {
      command.addAll(1, QUICK_JVM);
    }
    Map<String, String> environment = new HashMap<>(extra);
    environment.put("TEMPORAL_ADDRESS", options.temporal());
    environment.put("SMTP_HOST", "127.0.0.1");
    environment.put("SMTP_PORT", Integer.toString(inbox.port()));
    ChildProcess child =
        ChildProcess.start(name, command, environment, logs.resolve(name + ".log"));
    resources.push(child);
    return child;
  }

  private static List<String> overrides(List<String> jvmOptions, Map<String, String> overrides) {
    List<String> all = new ArrayList<>(jvmOptions);
    overrides.forEach((key, value) -> all.add("-Ddw." + key + "=" + value));
    return all;
  }

  private static Map<String, String> ports(int api, int admin) {
    return Map.of("API_PORT", Integer.toString(api), "ADMIN_PORT", Integer.toString(admin));
  }

  private static String health(int adminPort) {
    return "http://127.0.0.1:" + adminPort + "/healthcheck";
  }

  private RedisClient redis() {
    String[] address = options.redis().split(":");
    return RedisClient.create(address[0], Integer.parseInt(address[1]));
  }

  private String workerSettings() {
    var worker = config.getTemporal().getWorker().workerOptions();
    return "maxConcurrentActivities="
        + worker.getMaxConcurrentActivityExecutionSize()
        + " maxConcurrentWorkflowTasks="
        + worker.getMaxConcurrentWorkflowTaskExecutionSize()
        + " activityPollers="
        + worker.getMaxConcurrentActivityTaskPollers()
        + " workflowTaskPollers="
        + worker.getMaxConcurrentWorkflowTaskPollers();
  }

  private static void checkAlive(Subject subject) throws IOException {
    for (ChildProcess process : subject.processes()) {
      if (!process.alive()) {
        throw new IllegalStateException(
            process.name()
                + " exited during the run; last lines of "
                + process.log()
                + ":\n"
                + process.tail());
      }
    }
  }

  private String prefix(String phase, String subject) {
    return options.runId() + "-" + phase + "-" + subject.toLowerCase(Locale.ROOT);
  }

  private static List<String> emails(LoadGenerator.Result result) {
    return result.accepted().stream().map(LoadGenerator.Sent::email).toList();
  }

  private void closeAll() {
    AutoCloseable resource;
    while ((resource = resources.poll()) != null) {
      try {
        resource.close();
      } catch (Exception e) {
        Main.log("while stopping: " + e);
      }
    }
  }
}
