package dev.signups.activities;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.Optional;

/**
 * The person a signup email goes to.
 *
 * <p>The checks here are the single definition of a valid address and name, applied by the HTTP API
 * before a workflow starts and by the activity before anything reaches a header.
 *
 * @param address the email address, at most {@value #MAX_ADDRESS_LENGTH} characters, parsed in
 *     strict mode
 * @param name the display name, 1 to {@value #MAX_NAME_LENGTH} characters, no control characters
 */
public record Recipient(String address, String name) {

  public static final int MAX_ADDRESS_LENGTH = 254;
  public static final int MAX_NAME_LENGTH = 100;

  /** Returns why {@code address} is not a usable recipient address, or empty when it is. */
  public static Optional<String> addressProblem(String address) {
    if (address == null || address.isBlank()) {
      return Optional.of("must not be empty");
    }
    if (address.length() > MAX_ADDRESS_LENGTH) {
      return Optional.of("must be at most " + MAX_ADDRESS_LENGTH + " characters");
    }
    try {
      InternetAddress parsed = new InternetAddress(address, true);
      parsed.validate();
      if (parsed.getPersonal() != null || !address.equals(parsed.getAddress())) {
        return Optional.of("must be a bare address such as ada@example.com");
      }
    } catch (AddressException e) {
      return Optional.of("is not a valid email address");
    }
    return Optional.empty();
  }

  /** Returns why {@code name} is not a usable display name, or empty when it is. */
  public static Optional<String> nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of("must be at most " + MAX_NAME_LENGTH + " characters");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      return Optional.of("must not contain control characters such as line breaks");
    }
    return Optional.empty();
  }

  /** Returns the first problem with this recipient, naming the field, or empty when it is valid. */
  public Optional<String> problem() {
    return addressProblem(address)
        .map(p -> "address " + p)
        .or(() -> nameProblem(name).map(p -> "name " + p));
  }
}
