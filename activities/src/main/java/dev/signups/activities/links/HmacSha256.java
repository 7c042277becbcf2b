package dev.signups.activities.links;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 under one secret key: the keyed hash behind signup ids and confirmation tokens. */
public final class HmacSha256 {

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public HmacSha256(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** Returns the 32-byte HMAC of {@code message} encoded as UTF-8. */
  public byte[] sign(String message) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
