package dev.signups.server.crypto;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts every payload Temporal stores with AES-256-GCM: workflow inputs, activity arguments and
 * results, update arguments, and (installed with failure attributes encoded) failure messages.
 *
 * <p>An encrypted payload holds, as its data, a random 96-bit nonce followed by the ciphertext and
 * tag of the whole original payload (its metadata included); its metadata says {@value #ENCODING}
 * and names the key by id, which is also authenticated with the ciphertext. New payloads use the
 * key ring's current key; older ones decrypt with any key still in the ring. A payload that is not
 * encrypted, recorded before encryption was turned on, passes through as it is.
 */
public final class EncryptionCodec implements PayloadCodec {

  /** The encoding of an encrypted payload, as Temporal's samples and tools name it. */
  public static final String ENCODING = "binary/encrypted";

  /** The metadata key naming the key a payload was encrypted with. */
  public static final String KEY_ID = "encryption-key-id";

  /** How the message of every failure to decrypt a payload begins. */
  private static final String CANNOT_DECRYPT = "Cannot decrypt a payload";

  /** That message, up to the end of its line, in a text that may hold more. */
  private static final Pattern DECRYPTION_FAILURE =
      Pattern.compile(Pattern.quote(CANNOT_DECRYPT) + "[^\\r\\n]*");

  private static final String METADATA_ENCODING = "encoding";
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final KeyRing keys;
  private final SecureRandom random = new SecureRandom();

  public EncryptionCodec(KeyRing keys) {
    this.keys = keys;
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    return payloads.stream().map(this::encrypt).toList();
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    return payloads.stream().map(this::decrypt).toList();
  }

  /**
   * The message of this codec's failure to decrypt a payload, when {@code failure} or one of its
   * causes holds one: thrown in this process, or reported as text by a worker that could not
   * decrypt a history (a failed query reaches the client as the worker's stack trace, in the
   * description of a gRPC status). It names the key, never the payload.
   */
  public static Optional<String> decryptionFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      Matcher found = message == null ? null : DECRYPTION_FAILURE.matcher(message);
      if (found != null && found.find()) {
        return Optional.of(found.group());
      }
    }
    return Optional.empty();
  }

  private Payload encrypt(Payload payload) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    String keyId = keys.currentId();
    byte[] sealed =
        cipher(Cipher.ENCRYPT_MODE, keys.current(), keyId, nonce, payload.toByteArray());
    return Payload.newBuilder()
        .putMetadata(METADATA_ENCODING, ByteString.copyFromUtf8(ENCODING))
        .putMetadata(KEY_ID, ByteString.copyFromUtf8(keyId))
        .setData(
            ByteString.copyFrom(
                ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array()))
        .build();
  }

  private Payload decrypt(Payload payload) {
    Map<String, ByteString> metadata = payload.getMetadataMap();
    ByteString encoding = metadata.get(METADATA_ENCODING);
    if (encoding == null || !encoding.toStringUtf8().equals(ENCODING)) {
      return payload;
    }
    ByteString keyIdBytes = metadata.get(KEY_ID);
    String keyId = keyIdBytes == null ? "" : keyIdBytes.toStringUtf8();
    SecretKey key =
        keys.find(keyId)
            .orElseThrow(
                () ->
                    new PayloadCodecException(
                        CANNOT_DECRYPT
                            + " encrypted with key '"
                            + keyId
                            + "': no such key in payloadEncryption.keys; add it back as a retired"
                            + " key"));
    byte[] data = payload.getData().toByteArray();
    if (data.length <= NONCE_BYTES) {
      throw new PayloadCodecException("Encrypted payload of key '" + keyId + "' is truncated");
    }
    byte[] nonce = java.util.Arrays.copyOf(data, NONCE_BYTES);
    byte[] sealed = java.util.Arrays.copyOfRange(data, NONCE_BYTES, data.length);
    try {
      return Payload.parseFrom(cipher(Cipher.DECRYPT_MODE, key, keyId, nonce, sealed));
    } catch (InvalidProtocolBufferException e) {
      throw new PayloadCodecException(
          "Decrypted payload of key '" + keyId + "' is not a payload", e);
    }
  }

  private static byte[] cipher(int mode, SecretKey key, String keyId, byte[] nonce, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException(
          mode == Cipher.ENCRYPT_MODE
              ? "Cannot encrypt a payload with key '" + keyId + "'"
              : CANNOT_DECRYPT
                  + " with key '"
                  + keyId
                  + "': it was altered, or the key is not the one used",
          e);
    }
  }
}
