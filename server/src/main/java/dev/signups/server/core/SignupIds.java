package dev.signups.server.core;

import dev.signups.activities.links.HmacSha256;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Derives a signup's workflow id from its address with HMAC-SHA256 under a secret key. Workflow ids
 * are stored and shown in clear by Temporal, so they must not reveal the address; the key keeps
 * anyone without it from confirming a guess.
 */
public final class SignupIds {

  private static final String PREFIX = "signup-";
  private static final int HEX_CHARS = 32;
  private static final Pattern WELL_FORMED =
      Pattern.compile(PREFIX + "[0-9a-f]{" + HEX_CHARS + "}");

  private final HmacSha256 hmac;

  public SignupIds(String secret) {
    this.hmac = new HmacSha256(secret);
  }

  /** Returns the id of the signup for {@code address}, the same for any case of the address. */
  public String idFor(String address) {
    byte[] digest = hmac.sign(address.strip().toLowerCase(Locale.ROOT));
    return PREFIX + HexFormat.of().formatHex(digest).substring(0, HEX_CHARS);
  }

  /** Whether {@code id} has the shape of an id this class makes. */
  public static boolean isWellFormed(String id) {
    return id != null && WELL_FORMED.matcher(id).matches();
  }
}
