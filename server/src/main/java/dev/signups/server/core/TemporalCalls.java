package dev.signups.server.core;

import dev.signups.server.crypto.EncryptionCodec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the failures of a call to Temporal into what the API answers: {@link
 * TemporalUnavailableException} (503) when Temporal cannot take the call now, {@link
 * UnreadablePayloadException} when what it holds cannot be decrypted with the configured keys, and
 * an {@link IllegalArgumentException} (400) when it refuses a page token.
 */
final class TemporalCalls {

  /** Temporal is down, too slow, or shedding load (RESOURCE_EXHAUSTED: over its rate limits). */
  private static final Set<Status.Code> UNAVAILABLE =
      Set.of(
          Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED);

  /** How the server answers a page token it cannot decode: SQL visibility says UNKNOWN. */
  private static final Set<Status.Code> REJECTED_TOKEN =
      Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.UNKNOWN);

  private TemporalCalls() {}

  /**
   * Returns what {@code rpc} returns.
   *
   * @param consequence what failing means for the caller, such as "the signup was not recorded"
   * @throws TemporalUnavailableException when Temporal is unreachable or did not answer in time
   * @throws UnreadablePayloadException when this process, or the worker that answered, could not
   *     decrypt a payload
   */
  static <T> T call(String consequence, Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (RuntimeException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof StatusRuntimeException status
            && UNAVAILABLE.contains(status.getStatus().getCode())) {
          throw new TemporalUnavailableException(
              "Temporal is unavailable; " + consequence + ", try again shortly", e);
        }
      }
      String unreadable = EncryptionCodec.decryptionFailure(e).orElse(null);
      if (unreadable != null) {
        throw new UnreadablePayloadException(unreadable, e);
      }
      throw e;
    }
  }

  /**
   * Returns what {@code rpc} returns, as {@link #call} does, for a call that passes a page token.
   *
   * @throws IllegalArgumentException when {@code withToken} and Temporal refused the token
   */
  static <T> T callWithPageToken(String consequence, boolean withToken, Supplier<T> rpc) {
    try {
      return call(consequence, rpc);
    } catch (StatusRuntimeException e) {
      if (withToken && REJECTED_TOKEN.contains(e.getStatus().getCode())) {
        throw new IllegalArgumentException("pageToken is not valid");
      }
      throw e;
    }
  }
}
