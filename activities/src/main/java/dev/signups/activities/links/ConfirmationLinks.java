package dev.signups.activities.links;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.ConfirmationLinkActivity;
import dev.signups.activities.LinkDigest;

/**
 * The confirmation links of this deployment: the URL an email carries for a claim, and, as the
 * {@link ConfirmationLinkActivity}, the digest the workflow keeps of it. Both come from the same
 * token, so the link in an email is always one its workflow recognises.
 */
public final class ConfirmationLinks implements ConfirmationLinkActivity {

  /** The path of the confirmation page, under the public base URL. */
  public static final String CONFIRM_PATH = "/signups/confirm";

  private final ConfirmationTokens tokens;
  private final String publicBaseUrl;

  /**
   * @param publicBaseUrl where the API is reached from outside, without a trailing slash; links are
   *     {@code publicBaseUrl + /signups/confirm?token=...}
   */
  public ConfirmationLinks(ConfirmationTokens tokens, String publicBaseUrl) {
    this.tokens = tokens;
    this.publicBaseUrl = publicBaseUrl;
  }

  /** Returns the URL of the link for {@code claim}. */
  public String url(ConfirmationClaim claim) {
    return publicBaseUrl + CONFIRM_PATH + "?token=" + tokens.issue(claim);
  }

  @Override
  public String digest(ConfirmationClaim link) {
    return LinkDigest.of(tokens.issue(link));
  }
}
