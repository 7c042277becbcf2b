package dev.signups.activities.links;

import dev.signups.activities.ConfirmationClaim;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issues and verifies the tokens of confirmation links.
 *
 * <p>A token is {@code <signupId>.<expiry in epoch seconds>.<sequence>.<HMAC>}, the HMAC-SHA256 of
 * the first three parts under a secret key: it names no address, cannot be forged or have its
 * expiry moved without the key, and is the same for the same claim, so every attempt at sending one
 * email carries the same link. The workflow keeps only each token's {@link
 * dev.signups.activities.LinkDigest}.
 */
public final class ConfirmationTokens {

  private static final Pattern TOKEN =
      Pattern.compile("([A-Za-z0-9-]{1,100})\\.([0-9]{1,12})\\.([0-9]{1,6})\\.([A-Za-z0-9_-]{43})");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final HmacSha256 hmac;

  public ConfirmationTokens(String secret) {
    this.hmac = new HmacSha256(secret);
  }

  /** Returns the token for {@code claim}. */
  public String issue(ConfirmationClaim claim) {
    String claimed =
        claim.signupId() + "." + claim.expiresAt().getEpochSecond() + "." + claim.sequence();
    return claimed + "." + BASE64URL.encodeToString(hmac.sign(claimed));
  }

  /**
   * Returns the claim of {@code token} when this key issued it, expired or not; empty when it is
   * malformed or forged. The HMAC is compared in constant time.
   */
  public Optional<ConfirmationClaim> verify(String token) {
    Matcher parts = token == null ? null : TOKEN.matcher(token);
    if (parts == null || !parts.matches()) {
      return Optional.empty();
    }
    ConfirmationClaim claim =
        new ConfirmationClaim(
            parts.group(1),
            Instant.ofEpochSecond(Long.parseLong(parts.group(2))),
            Integer.parseInt(parts.group(3)));
    byte[] presented = issue(claim).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(presented, token.getBytes(StandardCharsets.US_ASCII))
        ? Optional.of(claim)
        : Optional.empty();
  }
}
