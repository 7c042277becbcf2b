package dev.signups.workflows;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.Map;

/**
 * The custom search attributes every signup publishes, so operators can find signups by state in
 * the Web UI and the CLI ({@code SignupStatus = 'DELIVERY_FAILED'}, {@code SignupAttempts > 3}).
 * They must be registered in the namespace before a worker runs; the server checks at startup.
 */
public final class SignupSearchAttributes {

  /** The signup's {@link SignupStatus}, as a Keyword. */
  public static final SearchAttributeKey<String> STATUS =
      SearchAttributeKey.forKeyword("SignupStatus");

  /** Send attempts finished so far, as an Int. */
  public static final SearchAttributeKey<Long> ATTEMPTS =
      SearchAttributeKey.forLong("SignupAttempts");

  /** The memo field holding the last SMTP error, shown in listings. */
  public static final String LAST_ERROR_MEMO = "lastError";

  /** Every attribute with the type it must be registered with. */
  public static final Map<String, IndexedValueType> TYPES =
      Map.of(
          STATUS.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          ATTEMPTS.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);

  private SignupSearchAttributes() {}
}
