package dev.signups.server.core;

import java.util.Locale;
import java.util.Map;

/**
 * Which task queue a signup's emails go through: the queue of the recipient's mail provider, which
 * the server rate-limits, or none for the workflow's own queue.
 *
 * @param queueByDomain the queue of each recipient domain that has one, domains in lower case
 * @param ratesByQueue each provider queue and the most emails per second it takes, over all workers
 */
public record ProviderQueues(Map<String, String> queueByDomain, Map<String, Double> ratesByQueue) {

  /** No provider queue: every email goes through the workflow's own queue. */
  public static final ProviderQueues NONE = new ProviderQueues(Map.of(), Map.of());

  public ProviderQueues {
    queueByDomain = Map.copyOf(queueByDomain);
    ratesByQueue = Map.copyOf(ratesByQueue);
  }

  /** The queue of the emails to {@code address}, or null for the workflow's own. */
  public String queueFor(String address) {
    return queueByDomain.get(
        address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
  }
}
