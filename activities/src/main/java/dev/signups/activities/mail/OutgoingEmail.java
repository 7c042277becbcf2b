package dev.signups.activities.mail;

import dev.signups.activities.Recipient;

/**
 * A composed email, ready for an {@link EmailSender}.
 *
 * @param messageKey the left-hand side of the Message-ID
 * @param recipient who receives it
 * @param subject the subject line
 * @param text the plain-text body
 * @param html the HTML body, every user value already escaped
 */
public record OutgoingEmail(
    String messageKey, Recipient recipient, String subject, String text, String html) {}
