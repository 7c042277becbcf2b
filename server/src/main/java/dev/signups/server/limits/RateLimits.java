package dev.signups.server.limits;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Token buckets that bound how many signups one client, and one recipient domain, may start in this
 * process. Buckets are kept for the most recent clients and domains only, so memory stays bounded
 * whatever the number of clients.
 */
public final class RateLimits {

  /** How many buckets of each kind are kept; the least recently used go first. */
  private static final long MAX_BUCKETS = 100_000;

  private final LoadingCache<String, Bucket> perClient;
  private final LoadingCache<String, Bucket> perDomain;
  private final String clientAddressHeader;

  /**
   * @param perClient how many signups one client may start, refilled evenly over the period
   * @param perDomain how many signups for addresses of one domain may start, likewise
   * @param clientAddressHeader the header whose last value is the client's address, set by a
   *     trusted proxy; empty to use the connection's address
   */
  public RateLimits(Limit perClient, Limit perDomain, String clientAddressHeader) {
    this.perClient = buckets(perClient);
    this.perDomain = buckets(perDomain);
    this.clientAddressHeader = clientAddressHeader;
  }

  /**
   * Takes one signup from the buckets of the client of {@code request} and of the domain of {@code
   * address}.
   *
   * @return why the signup may not go ahead, when either bucket is empty
   */
  public Optional<Refusal> acquire(HttpServletRequest request, String address) {
    Optional<Refusal> refusal = take(perClient, clientOf(request), "from this client");
    if (refusal.isPresent()) {
      return refusal;
    }
    String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    return take(perDomain, domain, "for this recipient domain");
  }

  private String clientOf(HttpServletRequest request) {
    String forwarded =
        clientAddressHeader.isEmpty() ? null : request.getHeader(clientAddressHeader);
    if (forwarded == null || forwarded.isBlank()) {
      return request.getRemoteAddr();
    }
    return forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
  }

  private static Optional<Refusal> take(
      LoadingCache<String, Bucket> buckets, String key, String of) {
    ConsumptionProbe probe = buckets.get(key).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return Optional.empty();
    }
    long seconds = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
    return Optional.of(
        new Refusal(seconds, "Too many signups " + of + "; try again in " + seconds + " s"));
  }

  private static LoadingCache<String, Bucket> buckets(Limit limit) {
    return Caffeine.newBuilder()
        .maximumSize(MAX_BUCKETS)
        .expireAfterAccess(limit.per())
        .build(
            key ->
                Bucket.builder()
                    .addLimit(
                        Bandwidth.builder()
                            .capacity(limit.requests())
                            .refillGreedy(limit.requests(), limit.per())
                            .build())
                    .build());
  }

  /**
   * A limit: at most {@code requests} in any {@code per}, refilled evenly.
   *
   * @param requests the bucket's size, at least 1
   * @param per how long the bucket takes to refill completely
   */
  public record Limit(long requests, Duration per) {}

  /**
   * Why a signup was not started.
   *
   * @param retryAfterSeconds when a new attempt may succeed, in whole seconds
   * @param message what to tell the client
   */
  public record Refusal(long retryAfterSeconds, String message) {}
}
