package dev.signups.activities;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The digest of a confirmation link's token: what a workflow keeps to recognise the token later
 * without keeping the token itself. {@link ConfirmationLinkActivity} returns it for each link
 * before the link is sent; the workflow compares it with the digest of a token presented to it.
 */
public final class LinkDigest {

  private LinkDigest() {}

  /** Returns the SHA-256 of {@code token} encoded as UTF-8, base64url-encoded without padding. */
  public static String of(String token) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
