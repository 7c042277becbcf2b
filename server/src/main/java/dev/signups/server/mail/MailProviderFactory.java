package dev.signups.server.mail;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.server.core.ProviderQueues;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mail provider whose recipients get their emails through a task queue of their own, at a rate
 * the Temporal server enforces over every worker polling that queue.
 */
public class MailProviderFactory {

  /** The provider's name, which ends its task queue's name: letters, digits and dashes. */
  @NotNull
  @Pattern(regexp = "[a-z0-9-]{1,40}", message = "must be 1 to 40 lower-case letters, digits or -")
  @JsonProperty
  private String name;

  /** The recipient domains it serves, such as {@code gmail.com}; at least one. */
  @NotEmpty @JsonProperty
  private List<
          @Pattern(
              regexp = "[a-z0-9-]+(\\.[a-z0-9-]+)+",
              message = "must be a lower-case domain such as gmail.com")
          String>
      domains;

  /**
   * The most emails per second to these domains, over all workers together. Greater than zero;
   * fractions such as 0.5 allowed.
   */
  @DecimalMin(value = "0", inclusive = false)
  @JsonProperty
  private double maxSendsPerSecond;

  public String getName() {
    return name;
  }

  public List<String> getDomains() {
    return domains;
  }

  public double getMaxSendsPerSecond() {
    return maxSendsPerSecond;
  }

  /** The task queue of each of {@code providers}' emails, {@code <taskQueue>-<name>}. */
  public static ProviderQueues queues(String taskQueue, List<MailProviderFactory> providers) {
    Map<String, String> queueByDomain = new HashMap<>();
    Map<String, Double> ratesByQueue = new HashMap<>();
    for (MailProviderFactory provider : providers) {
      String queue = taskQueue + "-" + provider.name;
      provider.domains.forEach(domain -> queueByDomain.put(domain, queue));
      ratesByQueue.put(queue, provider.maxSendsPerSecond);
    }
    return new ProviderQueues(queueByDomain, ratesByQueue);
  }

  /** What {@code providers} name more than once: a provider, or a domain. */
  public static List<String> repeats(List<MailProviderFactory> providers) {
    List<String> repeats = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> domains = new HashSet<>();
    for (MailProviderFactory provider :
        providers == null ? List.<MailProviderFactory>of() : providers) {
      if (provider == null) {
        continue;
      }
      if (provider.name != null && !names.add(provider.name)) {
        repeats.add("name " + provider.name + " appears more than once");
      }
      if (provider.domains != null) {
        provider.domains.stream()
            .filter(domain -> !domains.add(domain))
            .forEach(domain -> repeats.add("domain " + domain + " belongs to two providers"));
      }
    }
    return repeats;
  }
}
