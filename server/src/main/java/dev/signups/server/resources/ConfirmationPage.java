package dev.signups.server.resources;

import jakarta.ws.rs.core.Response;

/** The pages a confirmation link can lead to. */
enum ConfirmationPage {
  CONFIRM(
      Response.Status.OK,
      "Confirm your email address",
      "Press the button to confirm that this email address is yours.",
      "confirm",
      "Confirm my address"),
  CONFIRMED(
      Response.Status.OK,
      "Your address is confirmed",
      "Thank you. Your email address is confirmed, and a welcome email is on its way."),
  ALREADY_CONFIRMED(
      Response.Status.OK,
      "Already confirmed",
      "This email address was confirmed before. There is nothing more to do."),
  EXPIRED(
      Response.Status.GONE,
      "This link has expired",
      "Confirmation links work for a limited time, and this one has run out.",
      "confirm/renew",
      "Send me a new link"),
  INVALID(
      Response.Status.BAD_REQUEST,
      "This link is not valid",
      "It may have been cut short or mistyped. Open the link in the latest email again, or sign up"
          + " again to get a new one."),
  RENEWED(
      Response.Status.OK,
      "A new link is on its way",
      "Check your inbox for an email with a fresh confirmation link."),
  NEWER_LINK(
      Response.Status.OK,
      "Check your inbox",
      "A newer confirmation link was sent to this address. Please use the link in the latest"
          + " email."),
  UNAVAILABLE(
      Response.Status.SERVICE_UNAVAILABLE,
      "Please try again in a minute",
      "We could not reach the signup service just now. Nothing was lost: open the link again in a"
          + " minute.");

  /**
   * Nothing but inline styles and a form posting to this site; no referrer, so the token in the
   * address never leaves with a click; never cached.
   */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

  private final Response.Status status;
  private final String title;
  private final String message;
  private final String formAction;
  private final String button;

  ConfirmationPage(Response.Status status, String title, String message) {
    this(status, title, message, null, null);
  }

  /**
   * A page with a form that posts the link's token to {@code formAction}, relative to the
   * confirmation page, under a button saying {@code button}.
   */
  ConfirmationPage(
      Response.Status status, String title, String message, String formAction, String button) {
    this.status = status;
    this.title = title;
    this.message = message;
    this.formAction = formAction;
    this.button = button;
  }

  /** The page, without a form. */
  Response response() {
    return response(null);
  }

  /**
   * The page; for a page with a form, {@code token} is the token it posts. It must be a token
   * {@link dev.signups.activities.links.ConfirmationTokens} verified, whose characters need no
   * escaping in HTML.
   */
  Response response(String token) {
    String form =
        token == null || formAction == null
            ? ""
            : """
              <form method="post" action="%s">
              <input type="hidden" name="token" value="%s">
              <button type="submit">%s</button>
              </form>
              """
                .formatted(formAction, token, button);
    String html =
        """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>%s</title></head>
        <body style="font-family: sans-serif; line-height: 1.5; max-width: 36em; margin: 3em auto">
        <h1>%s</h1>
        <p>%s</p>
        %s</body>
        </html>
        """
            .formatted(title, title, message, form);
    return Response.status(status)
        .entity(html)
        .header("Retry-After", status == Response.Status.SERVICE_UNAVAILABLE ? 30 : null)
        .header("Cache-Control", "no-store")
        .header("Referrer-Policy", "no-referrer")
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .build();
  }
}
