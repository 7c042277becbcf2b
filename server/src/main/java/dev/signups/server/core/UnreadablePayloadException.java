package dev.signups.server.core;

/**
 * What Temporal holds of a signup cannot be decrypted with the configured keys: the key it was
 * encrypted with was removed from {@code payloadEncryption.keys}, or is not the one used. The
 * message names the key; retrying does not help until the configuration changes.
 */
public final class UnreadablePayloadException extends RuntimeException {

  UnreadablePayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
