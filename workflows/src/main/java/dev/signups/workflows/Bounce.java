package dev.signups.workflows;

/**
 * A mail provider's report that an email of the signup did not reach its mailbox, or was marked as
 * spam.
 *
 * @param type what happened
 * @param provider who reported it, such as {@code ses}, {@code postmark} or {@code sendgrid}
 * @param reason the provider's diagnostic, its addresses masked, or null
 */
public record Bounce(Type type, String provider, String reason) {

  /** The kinds of bounce, and whether each stops further mail to the address. */
  public enum Type {
    /** The mailbox does not exist or refuses mail for good: no more mail to the address. */
    HardBounce(true),
    /** A passing refusal, such as a full mailbox: recorded only. */
    SoftBounce(false),
    /** The recipient marked an email as spam: no more mail to the address. */
    Complaint(true);

    private final boolean suppresses;

    Type(boolean suppresses) {
      this.suppresses = suppresses;
    }

    /** Whether a bounce of this type stops all further mail to the address. */
    public boolean suppresses() {
      return suppresses;
    }
  }

  /** How the signup's state records it: {@code HardBounce (ses): 550 5.1.1 No such user}. */
  String describe() {
    return type + " (" + provider + ")" + (reason == null || reason.isBlank() ? "" : ": " + reason);
  }
}
