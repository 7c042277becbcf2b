package dev.signups.server.core;

/** Temporal could not be reached in time; nothing was recorded and the caller may try again. */
public final class TemporalUnavailableException extends RuntimeException {

  TemporalUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
