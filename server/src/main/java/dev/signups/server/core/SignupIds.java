package dev.signups.server.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public SignupIds(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** Returns the id of the signup for {@code address}, the same for any case of the address. */
  public String idFor(String address) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] digest =
          mac.doFinal(address.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(digest).substring(0, HEX_CHARS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /**
   * Returns {@code address} with all of its local part but the first character hidden, such as
   * {@code a***@example.com}: enough for an operator to tell signups apart, not to read an address.
   */
  public static String mask(String address) {
    int at = address.lastIndexOf('@');
    return at < 1 ? "***" : address.charAt(0) + "***" + address.substring(at);
  }

  /** Whether {@code id} has the shape of an id this class makes. */
  public static boolean isWellFormed(String id) {
    return id != null && WELL_FORMED.matcher(id).matches();
  }
}
