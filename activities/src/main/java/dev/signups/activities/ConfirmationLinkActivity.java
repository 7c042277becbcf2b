package dev.signups.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Tells a workflow how to recognise a confirmation link before the email carrying it goes out, so
 * that a link followed the moment it arrives is already known. Run as a local activity: it only
 * computes, in the worker that holds the signing key.
 */
@ActivityInterface
public interface ConfirmationLinkActivity {

  /** The activity type name, the key of its options at worker registration. */
  String TYPE = "DigestConfirmationLink";

  /**
   * Returns the {@link LinkDigest} of the token for {@code link}: the token the {@link
   * SendEmailActivity} will put in the email. Only the digest, never the token, leaves the worker.
   */
  @ActivityMethod(name = TYPE)
  String digest(ConfirmationClaim link);
}
