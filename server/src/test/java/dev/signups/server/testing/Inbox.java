package dev.signups.server.testing;

import dev.signups.activities.links.ConfirmationLinks;
import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.activities.testing.FaultySmtpServer.ReceivedMessage;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The emails of a signup as their recipient reads them, from a {@link FaultySmtpServer}. */
public final class Inbox {

  public static final String CONFIRMATION_SUBJECT = "Please confirm your email address";
  public static final String REMINDER_SUBJECT = "Reminder: please confirm your email address";
  public static final String WELCOME_SUBJECT = "Welcome aboard";

  private static final Pattern LINK =
      Pattern.compile(
          "https?://\\S+"
              + Pattern.quote(ConfirmationLinks.CONFIRM_PATH)
              + "\\?token=([A-Za-z0-9._-]+)");

  private final FaultySmtpServer smtp;
  private final Duration patience;

  public Inbox(FaultySmtpServer smtp, Duration patience) {
    this.smtp = smtp;
    this.patience = patience;
  }

  /**
   * Waits until {@code address} has received at least {@code count} emails.
   *
   * @return every email {@code address} received, oldest first
   */
  public List<ReceivedMessage> await(String address, int count) throws InterruptedException {
    Instant deadline = Instant.now().plus(patience);
    while (Instant.now().isBefore(deadline)) {
      List<ReceivedMessage> received = smtp.receivedBy(address);
      if (received.size() >= count) {
        return received;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        address
            + " received "
            + smtp.receivedBy(address)
            + ", not "
            + count
            + " within "
            + patience);
  }

  /** Waits for the newest email to {@code address} to have {@code subject}, and returns it. */
  public ReceivedMessage awaitLatest(String address, String subject) throws Exception {
    Instant deadline = Instant.now().plus(patience);
    while (Instant.now().isBefore(deadline)) {
      List<ReceivedMessage> received = smtp.receivedBy(address);
      if (!received.isEmpty() && subject(received.get(received.size() - 1)).equals(subject)) {
        return received.get(received.size() - 1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "No email '"
            + subject
            + "' to "
            + address
            + " within "
            + patience
            + ": "
            + smtp.received());
  }

  public static String subject(ReceivedMessage email) throws MessagingException {
    return email.parse().getSubject();
  }

  /** The confirmation link in the plain-text body of {@code email}. */
  public static URI link(ReceivedMessage email) throws MessagingException, IOException {
    Matcher link = LINK.matcher(text(email));
    if (!link.find()) {
      throw new AssertionError("No confirmation link in " + email + ": " + text(email));
    }
    return URI.create(link.group());
  }

  /** The token of a confirmation link. */
  public static String token(URI link) {
    Matcher token = LINK.matcher(link.toString());
    if (!token.matches()) {
      throw new AssertionError("Not a confirmation link: " + link);
    }
    return token.group(1);
  }

  private static String text(ReceivedMessage email) throws MessagingException, IOException {
    Multipart alternatives = (Multipart) email.parse().getContent();
    for (int i = 0; i < alternatives.getCount(); i++) {
      BodyPart part = alternatives.getBodyPart(i);
      if (part.isMimeType("text/plain")) {
        return (String) part.getContent();
      }
    }
    throw new AssertionError("No text/plain part in " + email);
  }
}
