package dev.signups.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signups.activities.EmailReceipt;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.SendEmailActivity;
import dev.signups.activities.mail.SendEmailActivityImpl;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real activity behind a gate: while the gate is closed an attempt at a confirmation email
 * waits before sending, which keeps its signup sending for as long as a test needs.
 */
public final class GatedSendEmail implements SendEmailActivity {
  private final SendEmailActivityImpl delegate;
  private final Duration patience;
  private final AtomicInteger attempts = new AtomicInteger();
  private final Semaphore started = new Semaphore(0);
  private volatile CountDownLatch gate = new CountDownLatch(0);

  /**
   * @param patience how long {@link #awaitAttemptStarted()} waits
   */
  public GatedSendEmail(SendEmailActivityImpl delegate, Duration patience) {
    this.delegate = delegate;
    this.patience = patience;
  }

  @Override
  public EmailReceipt send(EmailRequest request) {
    attempts.incrementAndGet();
    started.release();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return delegate.send(request);
  }

  @Override
  public EmailReceipt sendWelcome(EmailRequest request) {
    return delegate.sendWelcome(request);
  }

  /** Counts attempts from zero again. */
  public void reset() {
    attempts.set(0);
    started.drainPermits();
  }

  /** Holds every later attempt at a confirmation email until {@link #open()}. */
  public void close() {
    gate = new CountDownLatch(1);
  }

  /** Lets the held attempts, and every later one, send. */
  public void open() {
    gate.countDown();
  }

  public void awaitAttemptStarted() throws InterruptedException {
    assertThat(started.tryAcquire(patience.toMillis(), TimeUnit.MILLISECONDS))
        .as("an attempt started")
        .isTrue();
  }

  /** The attempts at a confirmation email since the last {@link #reset()}. */
  public int attempts() {
    return attempts.get();
  }
}
