package dev.signups.workflows;

import io.temporal.failure.ApplicationFailure;
import java.util.Optional;

/**
 * Why a signup refused a confirmation. A refused confirmation leaves no trace in the workflow's
 * history.
 *
 * <p>The Java SDK up to 1.38 hands the caller only the message of the failure an update validator
 * throws, not its type (temporalio/sdk-java#2875, fixed by #3001 after 1.38), so the reason's name
 * leads the message: {@code UnknownToken: the signup sent no such link}.
 */
public enum ConfirmationRejection {
  /** The signup is confirmed already, whichever of its links was followed. */
  AlreadyConfirmed,
  /** The token is none this signup sent. */
  UnknownToken,
  /** The token is one this signup sent, but its window has passed. */
  LinkExpired,
  /** The address is suppressed after a hard bounce or a complaint. */
  Suppressed;

  /** The failure the update validator throws for this reason. */
  ApplicationFailure failure(String detail) {
    return ApplicationFailure.newNonRetryableFailure(name() + ": " + detail, name());
  }

  /** The reason a refused confirmation reports in {@code refusal} or its causes, if any. */
  public static Optional<ConfirmationRejection> of(Throwable refusal) {
    for (Throwable cause = refusal; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApplicationFailure failure) {
        String message = failure.getOriginalMessage();
        for (ConfirmationRejection reason : values()) {
          if (message != null && message.startsWith(reason.name() + ": ")) {
            return Optional.of(reason);
          }
        }
      }
    }
    return Optional.empty();
  }
}
