package dev.signups.server.testing;

import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of signups answered 202, counted at the SMTP server as a receiver would: <b>lost</b>
 * is a signup whose email never reached the server, <b>duplicates</b> are copies beyond the first
 * of one Message-ID.
 */
public final class Deliveries {

  private final FaultySmtpServer smtp;
  private final Duration patience;
  private final Duration settle;

  /**
   * @param patience how long the signups may take to arrive once their fault is over
   * @param settle how long after the last signup's first copy the counting waits for more: an
   *     attempt whose success never reached Temporal is sent again after its start-to-close timeout
   *     and a backoff
   */
  public Deliveries(FaultySmtpServer smtp, Duration patience, Duration settle) {
    this.smtp = smtp;
    this.patience = patience;
    this.settle = settle;
  }

  /**
   * Waits until every address in {@code accepted} has received its email or the patience has
   * passed, then for the settling time, then counts.
   *
   * @param accepted when each address was answered 202
   * @param faultEnded when the fault was over, or null when it lasts (poison addresses)
   */
  public Tally await(Map<String, Instant> accepted, Instant faultEnded)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(patience);
    Map<String, List<ReceivedMessage>> byAddress = receivedBy(accepted.keySet());
    while (byAddress.size() < accepted.size() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      byAddress = receivedBy(accepted.keySet());
    }
    Thread.sleep(settle.toMillis());
    byAddress = receivedBy(accepted.keySet());
    int messages = byAddress.values().stream().mapToInt(List::size).sum();
    long distinct =
        byAddress.values().stream()
            .flatMap(List::stream)
            .map(ReceivedMessage::messageId)
            .distinct()
            .count();
    Duration maxDelay = Duration.ZERO;
    Instant lastReceived = Instant.MIN;
    for (Map.Entry<String, List<ReceivedMessage>> delivered : byAddress.entrySet()) {
      List<ReceivedMessage> copies = delivered.getValue();
      Duration delay =
          Duration.between(accepted.get(delivered.getKey()), copies.get(0).receivedAt());
      maxDelay = delay.compareTo(maxDelay) > 0 ? delay : maxDelay;
      Instant last = copies.get(copies.size() - 1).receivedAt();
      lastReceived = last.isAfter(lastReceived) ? last : lastReceived;
    }
    int retried =
        (int) accepted.keySet().stream().filter(a -> smtp.recipientAttempts(a).size() > 1).count();
    return new Tally(
        accepted.size(),
        byAddress.size(),
        accepted.size() - byAddress.size(),
        messages - (int) distinct,
        retried,
        maxDelay,
        faultEnded == null || lastReceived.isBefore(faultEnded)
            ? faultEnded == null ? null : Duration.ZERO
            : Duration.between(faultEnded, lastReceived));
  }

  /** How many addresses in {@code accepted} have received no email yet. */
  public int pending(Map<String, Instant> accepted) {
    return accepted.size() - receivedBy(accepted.keySet()).size();
  }

  /** The messages received for each of {@code addresses} that has received any, oldest first. */
  public Map<String, List<ReceivedMessage>> receivedBy(Collection<String> addresses) {
    Map<String, List<ReceivedMessage>> byAddress = new HashMap<>();
    for (ReceivedMessage message : smtp.received()) {
      for (String recipient : message.recipients()) {
        if (addresses.contains(recipient)) {
          byAddress.computeIfAbsent(recipient, r -> new ArrayList<>()).add(message);
        }
      }
    }
    return byAddress;
  }

  /**
   * @param signups the signups answered 202
   * @param delivered those of them whose email reached the SMTP server
   * @param lost those of them whose email never did
   * @param duplicates copies beyond the first of one Message-ID
   * @param retried signups attempted more than once, as the SMTP server saw them
   * @param maxDelay the longest time from a 202 to the first copy at the SMTP server
   * @param recovery from the end of the fault to the last copy received, resends included, or null
   *     without an end
   */
  public record Tally(
      int signups,
      int delivered,
      int lost,
      int duplicates,
      int retried,
      Duration maxDelay,
      Duration recovery) {}
}
