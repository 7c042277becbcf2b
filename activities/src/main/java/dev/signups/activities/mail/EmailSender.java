package dev.signups.activities.mail;

import dev.signups.activities.EmailFailure;

/** The port through which {@link SendEmailActivityImpl} hands a composed email to a mail server. */
public interface EmailSender {

  /**
   * Delivers {@code email} to the mail server.
   *
   * @return the Message-ID header that was sent, angle brackets included
   * @throws EmailDeliveryException when the server did not accept it, classified by {@link
   *     EmailFailure}
   */
  String send(OutgoingEmail email) throws EmailDeliveryException;
}
