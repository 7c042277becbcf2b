package dev.signups.server.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;

/**
 * The keys that encrypt what Temporal stores of each signup. Every process, API and worker alike,
 * needs the same keys: the API encrypts the input of the signups it starts and decrypts the state
 * it reads, the worker both.
 */
@SelfValidating
public class PayloadEncryptionFactory {

  /**
   * The key ring, {@code id:base64[,id:base64...]}: AES-256 keys of 32 bytes, the first encrypting
   * new payloads, the others still decrypting older ones. Required; from the environment. To
   * rotate, put a new key first and keep the old one after it until no running signup needs it.
   */
  @JsonProperty private String keys = "";

  /**
   * The data converter of every Temporal client: Temporal's JSON, then AES-256-GCM, failure
   * messages included.
   */
  public DataConverter dataConverter() {
    return new CodecDataConverter(DefaultDataConverter.STANDARD_INSTANCE, List.of(codec()), true);
  }

  public EncryptionCodec codec() {
    return new EncryptionCodec(KeyRing.parse(keys));
  }

  @SelfValidation
  public void validateKeys(ViolationCollector violations) {
    try {
      KeyRing.parse(keys);
    } catch (IllegalArgumentException e) {
      violations.addViolation("keys", e.getMessage() + " (set PAYLOAD_ENCRYPTION_KEYS)");
    }
  }
}
