package dev.signups.activities;

import java.time.Instant;

/**
 * What a confirmation link vouches for: the signup it confirms, until when, and which of the
 * signup's links it is.
 *
 * @param signupId the signup's workflow id
 * @param expiresAt when the link stops working, to the second
 * @param sequence which link of the signup this is, counted from 1; each email gets a fresh one
 */
public record ConfirmationClaim(String signupId, Instant expiresAt, int sequence) {}
