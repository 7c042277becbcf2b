package dev.signups.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Sends signups to a {@link SignupTarget}, in one of two ways.
 *
 * <ul>
 *   <li><b>Closed loop</b> ({@link #closedLoop}): N clients, each sending its next signup as soon
 *       as the previous one is answered, or delivered. It finds the saturation throughput; its
 *       latencies count from the actual send.
 *   <li><b>Open loop</b> ({@link #openLoop}): signup i is due at {@code start + i / rate} whatever
 *       happened to the others; one thread dispatches each at its due time without waiting for any
 *       answer (the targets are asynchronous), and every latency counts from the <em>due</em> time,
 *       so a stall of the system under test, or of the generator, shows in the latencies instead of
 *       silently delaying the requests that would have seen it (no coordinated omission).
 * </ul>
 *
 * Addresses are {@code <prefix>-<n>@example.com}, unique per run and phase.
 */
final class LoadGenerator {

  static final String NAME = "Ada Lovelace";

  /** How long a client of an end-to-end closed loop waits for an email before it goes on. */
  private static final Duration EMAIL_TIMEOUT = Duration.ofSeconds(60);

  /** The latest an answer may come after the last send before the phase gives up on it. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  private LoadGenerator() {}

  /** A signup the target accepted, and when it was due (closed loop: sent), epoch microseconds. */
  record Sent(String email, long dueMicros) {}

  /**
   * What a phase sent.
   *
   * @param accepted the signups answered {@link SignupTarget#ACCEPTED}, in the order answered
   * @param refused the other answers, by status ({@link SignupTarget#NO_ANSWER} for none)
   * @param acceptMicros from due (open loop) or sent (closed loop) to the answer, accepted only
   * @param startMicros when the first signup was due
   * @param endMicros when sending stopped
   * @param dispatchLagMicros open loop: how late after its due time each signup went out
   */
  record Result(
      List<Sent> accepted,
      Map<Integer, Integer> refused,
      Histogram acceptMicros,
      long startMicros,
      long endMicros,
      Histogram dispatchLagMicros) {

    int refusedCount() {
      return refused.values().stream().mapToInt(Integer::intValue).sum();
    }

    double seconds() {
      return (endMicros - startMicros) / 1e6;
    }
  }

  /**
   * {@code clients} clients in a closed loop for {@code duration}: each sends its next signup once
   * the previous one is answered or, with an {@code inbox}, once its email has arrived there (or
   * {@link #EMAIL_TIMEOUT} passed), so that at most {@code clients} signups are in the pipeline and
   * the throughput is that of the whole pipeline, with no backlog left to drain.
   */
  static Result closedLoop(
      SignupTarget target, String prefix, int clients, Duration duration, Inbox inbox)
      throws InterruptedException {
    List<Sent> accepted = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> refused = Collections.synchronizedMap(new TreeMap<>());
    Histogram latency = new ConcurrentHistogram(3);
    AtomicLong sequence = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients, Main.daemon("client"));
    for (int c = 0; c < clients; c++) {
      pool.execute(
          () -> {
            long sent;
            while ((sent = System.nanoTime()) < end) {
              String email = address(prefix, sequence.incrementAndGet());
              CompletableFuture<Inbox.Delivery> arrival =
                  inbox == null ? null : inbox.expect(email);
              int status = target.submit(email, NAME).join();
              long answered = System.nanoTime();
              if (status == SignupTarget.ACCEPTED) {
                accepted.add(new Sent(email, Clock.micros(sent)));
                latency.recordValue((answered - sent) / 1_000);
                if (arrival != null) {
                  awaitQuietly(arrival, email, inbox);
                }
              } else {
                if (arrival != null) {
                  inbox.forget(email);
                }
                refused.merge(status, 1, Integer::sum);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
              }
            }
          });
    }
    pool.shutdown();
    Duration patience =
        duration.plus(ANSWER_TIMEOUT).plus(inbox == null ? Duration.ZERO : EMAIL_TIMEOUT);
    if (!pool.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS)) {
      pool.shutdownNow();
      throw new IllegalStateException("Clients still waiting " + patience + " after the start");
    }
    return new Result(
        List.copyOf(accepted),
        Map.copyOf(refused),
        latency,
        Clock.micros(start),
        Clock.micros(end),
        new Histogram(3));
  }

  private static void awaitQuietly(
      CompletableFuture<Inbox.Delivery> arrival, String email, Inbox inbox) {
    try {
      arrival.get(EMAIL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Counted as not delivered by the phase; this client goes on.
      inbox.forget(email);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Signups due at {@code perSecond}, evenly spaced, for {@code duration}. */
  static Result openLoop(SignupTarget target, String prefix, double perSecond, Duration duration)
      throws InterruptedException {
    List<Sent> accepted = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> refused = Collections.synchronizedMap(new TreeMap<>());
    Histogram latency = new ConcurrentHistogram(3);
    Histogram lag = new Histogram(3);
    List<CompletableFuture<Integer>> answers = new ArrayList<>();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    long end = start + duration.toNanos();
    for (long i = 0; ; i++) {
      long due = start + Math.round(i * 1e9 / perSecond);
      if (due >= end) {
        break;
      }
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      lag.recordValue((now - due) / 1_000);
      String email = address(prefix, i + 1);
      long dueMicros = Clock.micros(due);
      answers.add(
          target
              .submit(email, NAME)
              .whenComplete(
                  (status, never) -> {
                    long answered = System.nanoTime();
                    if (status == SignupTarget.ACCEPTED) {
                      accepted.add(new Sent(email, dueMicros));
                      latency.recordValue((answered - due) / 1_000);
                    } else {
                      refused.merge(status, 1, Integer::sum);
                    }
                  }));
    }
    try {
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
          .get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException(
          "Answers missing " + ANSWER_TIMEOUT + " after the last send", e);
    }
    return new Result(
        List.copyOf(accepted),
        Map.copyOf(refused),
        latency,
        Clock.micros(start),
        Clock.micros(end),
        lag);
  }

  static String address(String prefix, long n) {
    return prefix + "-" + n + "@example.com";
  }

  /**
   * Wall-clock microseconds of a {@link System#nanoTime()} reading, for comparing across processes.
   */
  static final class Clock {
    private static final long BASE_NANOS = System.nanoTime();
    private static final long BASE_MICROS = nowMicros();

    private Clock() {}

    static long micros(long nanoTime) {
      return BASE_MICROS + (nanoTime - BASE_NANOS) / 1_000;
    }

    private static long nowMicros() {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
  }
}
