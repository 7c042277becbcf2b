package dev.signups.server.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.workflows.ConfirmationRejection;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import io.temporal.common.converter.DataConverter;
import java.util.Arrays;
import java.util.stream.Collectors;

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
   * messages included, but for the reasons a signup gives for refusing a confirmation ({@link
   * ConfirmationRejection}), which hold no personal data and are never stored: the API tells them
   * apart by their message.
   */
  public DataConverter dataConverter() {
    return new EncryptingDataConverter(
        codec(),
        Arrays.stream(ConfirmationRejection.values()).map(Enum::name).collect(Collectors.toSet()));
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
