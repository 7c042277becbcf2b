package dev.signups.activities;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks email addresses, which are personal data, wherever text about a signup leaves it for a
 * place many can read: workflow summaries, failure messages kept in Temporal's history, logs.
 */
public final class PersonalData {

  /** Anything shaped like an address: a run of non-separators, {@code @}, a dotted domain. */
  private static final Pattern ADDRESS =
      Pattern.compile("([^\\s<>()\\[\\]\",;:@]+)@([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)");

  private PersonalData() {}

  /**
   * Returns {@code address} with all of its local part but the first character hidden, such as
   * {@code a***@example.com}: enough for an operator to tell signups apart, not to read an address.
   */
  public static String maskAddress(String address) {
    int at = address.lastIndexOf('@');
    return at < 1 ? "***" : address.charAt(0) + "***" + address.substring(at);
  }

  /**
   * Returns {@code text} with every address in it masked, as {@link #maskAddress} does; such as an
   * SMTP reply {@code 550 5.1.1 <n***@example.com>: No such user}.
   */
  public static String maskAddresses(String text) {
    if (text == null) {
      return null;
    }
    Matcher addresses = ADDRESS.matcher(text);
    StringBuilder masked = new StringBuilder();
    while (addresses.find()) {
      addresses.appendReplacement(masked, Matcher.quoteReplacement(maskAddress(addresses.group())));
    }
    return addresses.appendTail(masked).toString();
  }
}
