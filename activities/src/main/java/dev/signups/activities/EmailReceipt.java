package dev.signups.activities;

/**
 * The outcome of a successful {@link SendEmailActivity} attempt.
 *
 * @param messageId the Message-ID header the SMTP server accepted, angle brackets included
 * @param attempt the attempt that succeeded, counted from 1
 */
public record EmailReceipt(String messageId, int attempt) {}
