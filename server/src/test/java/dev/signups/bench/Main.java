package dev.signups.bench;

import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark's processes, one entry point for all of them; scripts/bench runs {@code run}, which
 * starts the others.
 *
 * <pre>
 * run [options]                           the benchmark ({@link Options}); exit 1 if a phase failed
 * sink DELAY_MS                           the SMTP sink ({@link SmtpSink})
 * bare-worker TEMPORAL CONFIG [stock]     B0's worker, or B0-stock's ({@link BareWorker})
 * redis-api server CONFIG                 R's HTTP layer ({@link RedisSignupApplication})
 * redis-worker CONFIG REDIS               R's worker ({@link RedisWorker})
 * </pre>
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: run|sink|bare-worker|redis-api|redis-worker ...");
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    switch (args[0]) {
      case "run" -> {
        // Jetty closes idle connections after 10 s; the client must not reuse one it closed.
        System.setProperty("jdk.httpclient.keepalive.timeout", "5");
        System.exit(Benchmark.run(Options.parse(rest)));
      }
      case "sink" -> SmtpSink.main(Long.parseLong(rest.get(0)));
      case "bare-worker" ->
          BareWorker.main(
              rest.get(0), Path.of(rest.get(1)), rest.size() > 2 && rest.get(2).equals("stock"));
      case "redis-api" -> new RedisSignupApplication().run(rest.toArray(String[]::new));
      case "redis-worker" -> {
        String[] redis = rest.get(1).split(":");
        RedisWorker.main(Path.of(rest.get(0)), redis[0], Integer.parseInt(redis[1]));
      }
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  /** Tells the benchmark that this process is ready ({@link ChildProcess#awaitReadyLine}). */
  static void ready() {
    System.out.println(ChildProcess.READY);
    System.out.flush();
  }

  /** Progress, on standard error; standard output is the report's. */
  static void log(String message) {
    System.err.println("bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
  }

  static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
