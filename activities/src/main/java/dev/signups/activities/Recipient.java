package dev.signups.activities;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The person a signup email goes to.
 *
 * <p>The checks here are the single definition of a valid address and name, applied wherever an
 * address enters (the HTTP API, the admin task, the command line) and by the activity before
 * anything reaches a header or an SMTP command.
 *
 * <p>An address is an ASCII dot-atom local part of at most {@value #MAX_LOCAL_PART_LENGTH}
 * characters, {@code @}, and a domain of at least two letter-digit-hyphen labels of at most {@value
 * #MAX_LABEL_LENGTH} characters whose last label is not all digits; {@value #MAX_ADDRESS_LENGTH}
 * characters in all. Quoted local parts, comments, IP literals, group syntax and display names are
 * refused, and so is every character outside ASCII: what is validated here is, byte for byte, what
 * the SMTP server receives in {@code RCPT TO}. An internationalised domain is accepted in its ASCII
 * ({@code xn--}) form.
 *
 * @param address the email address
 * @param name the display name, 1 to {@value #MAX_NAME_LENGTH} characters (Unicode code points),
 *     with no control or invisible formatting characters
 */
public record Recipient(String address, String name) {

  public static final int MAX_ADDRESS_LENGTH = 254;
  public static final int MAX_LOCAL_PART_LENGTH = 64;
  public static final int MAX_LABEL_LENGTH = 63;
  public static final int MAX_NAME_LENGTH = 100;

  private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
  private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
  private static final Pattern ADDRESS =
      Pattern.compile(
          "(" + ATOM + "(?:\\." + ATOM + ")*)@(" + LABEL + "(?:\\." + LABEL + ")*\\.(" + LABEL
              + "))");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  /** Display names, angle brackets, comments and group syntax. */
  private static final Pattern NOT_BARE = Pattern.compile("[<>():;]");

  /** Returns why {@code address} is not a usable recipient address, or empty when it is. */
  public static Optional<String> addressProblem(String address) {
    if (address == null || address.isBlank()) {
      return Optional.of("must not be empty");
    }
    if (address.length() > MAX_ADDRESS_LENGTH) {
      return Optional.of("must be at most " + MAX_ADDRESS_LENGTH + " characters");
    }
    if (address.chars().anyMatch(c -> c > 0x7f)) {
      return Optional.of(
          "must contain only ASCII characters; write an internationalised domain in its xn--"
              + " form");
    }
    if (address.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return Optional.of("is not a valid email address");
    }
    if (address.contains("@[")) {
      return Optional.of("must have a domain name, not an IP address");
    }
    if (NOT_BARE.matcher(address).find()) {
      return Optional.of("must be a bare address such as ada@example.com");
    }
    Matcher parts = ADDRESS.matcher(address);
    if (!parts.matches()) {
      return Optional.of("is not a valid email address");
    }
    if (parts.group(1).length() > MAX_LOCAL_PART_LENGTH) {
      return Optional.of("must have at most " + MAX_LOCAL_PART_LENGTH + " characters before the @");
    }
    for (String label : parts.group(2).split("\\.")) {
      if (label.length() > MAX_LABEL_LENGTH) {
        return Optional.of(
            "must have domain labels of at most " + MAX_LABEL_LENGTH + " characters");
      }
    }
    if (DIGITS.matcher(parts.group(3)).matches()) {
      return Optional.of("must have a domain name, not an IP address");
    }
    return Optional.empty();
  }

  /** Returns why {@code name} is not a usable display name, or empty when it is. */
  public static Optional<String> nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
      return Optional.of("must be valid Unicode text");
    }
    if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      return Optional.of("must be at most " + MAX_NAME_LENGTH + " characters");
    }
    if (name.codePoints().anyMatch(Character::isISOControl)) {
      return Optional.of("must not contain control characters such as line breaks");
    }
    if (name.codePoints().anyMatch(Recipient::isInvisible)) {
      return Optional.of(
          "must not contain invisible formatting characters such as bidi or zero-width marks");
    }
    return Optional.empty();
  }

  /** Returns the first problem with this recipient, naming the field, or empty when it is valid. */
  public Optional<String> problem() {
    return addressProblem(address)
        .map(p -> "address " + p)
        .or(() -> nameProblem(name).map(p -> "name " + p));
  }

  /**
   * Format characters (bidi controls, zero-width joiners) and the line and paragraph separators.
   */
  private static boolean isInvisible(int c) {
    int type = Character.getType(c);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
