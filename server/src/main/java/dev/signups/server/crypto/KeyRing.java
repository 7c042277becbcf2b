package dev.signups.server.crypto;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys payloads are encrypted with, by id: the current one, which encrypts new
 * payloads, and retired ones, which only decrypt. Written as {@code id:base64,id:base64}, the
 * current key first, each key 32 bytes.
 */
public final class KeyRing {

  /** Letters, digits, dots, dashes and underscores: an id shown in payload metadata. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static final int KEY_BYTES = 32;

  private final String currentId;
  private final Map<String, SecretKey> keys;

  private KeyRing(String currentId, Map<String, SecretKey> keys) {
    this.currentId = currentId;
    this.keys = keys;
  }

  /**
   * Reads {@code text}, {@code id:base64[,id:base64...]}.
   *
   * @throws IllegalArgumentException saying what is wrong, without showing any key
   */
  public static KeyRing parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "must hold at least one key, written id:base64 (32 random bytes, such as from"
              + " openssl rand -base64 32)");
    }
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      String[] parts = entry.strip().split(":", 2);
      if (parts.length != 2 || !ID.matcher(parts[0]).matches()) {
        throw new IllegalArgumentException(
            "must be a comma-separated list of id:base64 with ids of letters, digits, . - or _");
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(parts[1].strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("key '" + parts[0] + "' is not base64");
      }
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException(
            "key '" + parts[0] + "' must be " + KEY_BYTES + " bytes, not " + key.length);
      }
      if (keys.put(parts[0], new SecretKeySpec(key, "AES")) != null) {
        throw new IllegalArgumentException("key '" + parts[0] + "' appears more than once");
      }
    }
    return new KeyRing(keys.keySet().iterator().next(), keys);
  }

  /** The id of the key new payloads are encrypted with. */
  public String currentId() {
    return currentId;
  }

  SecretKey current() {
    return keys.get(currentId);
  }

  Optional<SecretKey> find(String id) {
    return Optional.ofNullable(keys.get(id));
  }
}
