package dev.signups.activities;

import java.util.Locale;

/** The emails of a signup; each is a template of the same name under {@code templates/}. */
public enum EmailKind {
  /** Asks the recipient to confirm the address by following a link. */
  CONFIRMATION,
  /** Reminds a recipient who has not confirmed yet, with a fresh link. */
  REMINDER,
  /** Welcomes a recipient who confirmed. */
  WELCOME,
  /**
   * The confirmation email of signups started before links existed, which asks for no action; kept
   * for those still sending when this version was deployed.
   */
  UNLINKED_CONFIRMATION;

  /** The name of this kind's template. */
  public String template() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
