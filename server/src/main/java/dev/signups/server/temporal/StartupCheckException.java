package dev.signups.server.temporal;

/** The environment is not ready for this application; the message says what to do. */
public final class StartupCheckException extends RuntimeException {

  StartupCheckException(String message) {
    super(message);
  }
}
