package dev.signups.server.api;

import dev.signups.workflows.SignupStatus;
import java.time.Instant;

/**
 * The answer to {@code GET /signups/{id}}.
 *
 * @param id the signup's id
 * @param status {@code SENDING}, then {@code SENT} or {@code DELIVERY_FAILED}
 * @param attempts send attempts finished so far
 * @param lastError the SMTP reply or network error of the last failed attempt, or null
 * @param messageId the Message-ID the mail server accepted, or null
 * @param startedAt when the signup started
 * @param updatedAt when its state last changed
 */
public record SignupView(
    String id,
    SignupStatus status,
    int attempts,
    String lastError,
    String messageId,
    Instant startedAt,
    Instant updatedAt) {}
