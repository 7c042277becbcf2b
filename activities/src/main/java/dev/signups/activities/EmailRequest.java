package dev.signups.activities;

/**
 * What the {@link SendEmailActivity} sends.
 *
 * @param messageKey the left-hand side of the Message-ID, stable across attempts; the right-hand
 *     side is the sender's domain
 * @param recipient who receives it
 */
public record EmailRequest(String messageKey, Recipient recipient) {}
