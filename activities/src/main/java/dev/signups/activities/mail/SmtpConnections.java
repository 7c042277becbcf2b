package dev.signups.activities.mail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The connections of one {@link SmtpEmailSender} that wait, connected and idle, for its next
 * emails: at most {@code maxIdleConnections}, the most recently used taken first. A connection idle
 * for longer than {@code maxIdleTime}, or that has carried {@code maxMessagesPerConnection}
 * messages, is closed instead. Thread-safe; a connection taken is its taker's alone until it is
 * released.
 */
final class SmtpConnections implements AutoCloseable {

  private final int maxIdleConnections;
  private final long maxIdleNanos;
  private final int maxMessagesPerConnection;

  // Guarded by this; the most recently used first.
  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed;

  SmtpConnections(SmtpSettings.Pool limits) {
    this.maxIdleConnections = limits.maxIdleConnections();
    this.maxIdleNanos = limits.maxIdleTime().toNanos();
    this.maxMessagesPerConnection = limits.maxMessagesPerConnection();
  }

  /**
   * The most recently used idle connection, or null when there is none young enough. Closes those
   * idle for too long.
   */
  SmtpConnection take() {
    List<SmtpConnection> expired;
    SmtpConnection taken;
    synchronized (this) {
      expired = removeExpired(System.nanoTime());
      Idle newest = idle.pollFirst();
      taken = newest == null ? null : newest.connection();
    }
    expired.forEach(SmtpConnection::closeQuietly);
    return taken;
  }

  /**
   * Keeps {@code connection}, which has just sent a message, for a later one; or closes it, when
   * the pool is full or closed or the connection has carried its share. Closes the connections idle
   * for too long, too.
   */
  void release(SmtpConnection connection) {
    List<SmtpConnection> closing;
    synchronized (this) {
      long now = System.nanoTime();
      closing = removeExpired(now);
      if (!closed
          && idle.size() < maxIdleConnections
          && connection.messages() < maxMessagesPerConnection) {
        idle.addFirst(new Idle(connection, now));
      } else {
        closing.add(connection);
      }
    }
    closing.forEach(SmtpConnection::closeQuietly);
  }

  /** The number of connections waiting idle now. */
  synchronized int idle() {
    return idle.size();
  }

  /** Closes the idle connections, and every connection released from now on. */
  @Override
  public void close() {
    List<SmtpConnection> closing = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.forEach(waiting -> closing.add(waiting.connection()));
      idle.clear();
    }
    closing.forEach(SmtpConnection::closeQuietly);
  }

  /** Takes out the connections idle for longer than the limit, the least recently used last. */
  private List<SmtpConnection> removeExpired(long now) {
    // The caller holds this.
    List<SmtpConnection> expired = new ArrayList<>();
    while (!idle.isEmpty() && now - idle.peekLast().since() > maxIdleNanos) {
      expired.add(idle.pollLast().connection());
    }
    return expired;
  }

  /** A connection waiting since {@code since}, in {@link System#nanoTime()}. */
  private record Idle(SmtpConnection connection, long since) {}
}
