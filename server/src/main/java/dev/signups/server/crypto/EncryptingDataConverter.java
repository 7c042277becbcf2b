package dev.signups.server.crypto;

import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.payload.context.SerializationContext;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Temporal's JSON, then {@link EncryptionCodec}: every payload encrypted, and the message and stack
 * trace of every failure, except the message of an {@link ApplicationFailure} whose type is one of
 * a few public reasons.
 *
 * <p>Those are the reasons an update validator gives for refusing an update. A refusal is never
 * written to the history, but the SDK (up to 1.38, temporalio/sdk-java#2875) passes its caller only
 * the refusal's message, after converting the failure a second time: an encrypted message would
 * reach the caller as {@code Encoded failure}, its reason lost.
 */
final class EncryptingDataConverter implements DataConverter {

  private final DataConverter encrypting;
  private final DataConverter clearFailures;
  private final Set<String> publicFailureTypes;

  /**
   * @param publicFailureTypes the types of the application failures whose message is left in clear;
   *     they must hold no personal data
   */
  EncryptingDataConverter(EncryptionCodec codec, Set<String> publicFailureTypes) {
    this(
        new CodecDataConverter(DefaultDataConverter.STANDARD_INSTANCE, List.of(codec), true),
        new CodecDataConverter(DefaultDataConverter.STANDARD_INSTANCE, List.of(codec), false),
        publicFailureTypes);
  }

  private EncryptingDataConverter(
      DataConverter encrypting, DataConverter clearFailures, Set<String> publicFailureTypes) {
    this.encrypting = encrypting;
    this.clearFailures = clearFailures;
    this.publicFailureTypes = publicFailureTypes;
  }

  @Override
  public <T> Optional<Payload> toPayload(T value) {
    return encrypting.toPayload(value);
  }

  @Override
  public <T> T fromPayload(Payload payload, Class<T> valueClass, Type valueType) {
    return encrypting.fromPayload(payload, valueClass, valueType);
  }

  @Override
  public Optional<Payloads> toPayloads(Object... values) {
    return encrypting.toPayloads(values);
  }

  @Override
  public <T> T fromPayloads(
      int index, Optional<Payloads> content, Class<T> valueType, Type valueGenericType) {
    return encrypting.fromPayloads(index, content, valueType, valueGenericType);
  }

  @Override
  public Object[] fromPayloads(
      Optional<Payloads> content, Class<?>[] parameterTypes, Type[] genericParameterTypes) {
    return encrypting.fromPayloads(content, parameterTypes, genericParameterTypes);
  }

  @Override
  public Failure exceptionToFailure(Throwable exception) {
    return exception instanceof ApplicationFailure failure
            && publicFailureTypes.contains(failure.getType())
        ? clearFailures.exceptionToFailure(exception)
        : encrypting.exceptionToFailure(exception);
  }

  @Override
  public RuntimeException failureToException(Failure failure) {
    return encrypting.failureToException(failure);
  }

  @Override
  public DataConverter withContext(SerializationContext context) {
    return new EncryptingDataConverter(
        encrypting.withContext(context), clearFailures.withContext(context), publicFailureTypes);
  }
}
