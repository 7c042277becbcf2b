package dev.signups.server.api;

import dev.signups.workflows.SignupStatus;
import java.time.Instant;

/**
 * The answer to {@code GET /signups/{id}}.
 *
 * @param id the signup's id
 * @param status {@code SENDING}, {@code AWAITING_CONFIRMATION}, then {@code CONFIRMED}, {@code
 *     EXPIRED} or {@code DELIVERY_FAILED}; {@code SUPPRESSED} after a hard bounce or a complaint;
 *     {@code SENT} for signups started before double opt-in
 * @param attempts attempts at sending the last email, finished so far
 * @param lastError the SMTP reply or network error of the last failed attempt, or null
 * @param messageId the Message-ID of the last email the mail server accepted, or null
 * @param startedAt when the signup started
 * @param updatedAt when its state last changed
 * @param expiresAt when its confirmation links stop working, or null before the first is sent
 * @param lastBounce the last bounce or complaint a provider reported, its addresses masked, or null
 */
public record SignupView(
    String id,
    SignupStatus status,
    int attempts,
    String lastError,
    String messageId,
    Instant startedAt,
    Instant updatedAt,
    Instant expiresAt,
    String lastBounce) {}
