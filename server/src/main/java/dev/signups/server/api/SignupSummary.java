package dev.signups.server.api;

import dev.signups.workflows.SignupStatus;
import java.time.Instant;

/**
 * One signup in a listing.
 *
 * @param id the signup's id
 * @param status its status when last published
 * @param attempts send attempts finished
 * @param lastError the SMTP reply or network error of the last failed attempt, or null
 * @param startedAt when the signup started
 * @param closedAt when its workflow finished, or null while it runs
 */
public record SignupSummary(
    String id,
    SignupStatus status,
    long attempts,
    String lastError,
    Instant startedAt,
    Instant closedAt) {}
