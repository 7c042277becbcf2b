package dev.signups.server.testing;

import dev.signups.activities.testing.FaultySmtpServer;
import dev.signups.workflows.Signup;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three real signups, one through each outcome, whose SMTP replies echo the address as real servers
 * do: one confirmed through the link of its email (and welcomed), one delivered after a 451 and
 * awaiting confirmation, one rejected with a 550.
 *
 * @param confirmed confirmed through its link; its welcome email sent
 * @param retried delivered at its second attempt, after {@code 451 4.3.0 Mailbox <address> busy}
 * @param rejected {@code DELIVERY_FAILED} after {@code 550 5.1.1 <address>: No such user}
 */
public record EveryOutcome(Signup confirmed, Signup retried, Signup rejected) {

  /**
   * One signup of the run.
   *
   * @param link the confirmation link it was emailed; null for the rejected one, which got none
   */
  public record Signup(String email, String name, String id, URI link) {}

  /** Runs the three signups through {@code app}, whose mail server is {@code smtp}. */
  public static EveryOutcome run(AppProcess app, FaultySmtpServer smtp, Duration patience)
      throws Exception {
    SignupApi api = app.api(patience);
    Inbox inbox = new Inbox(smtp, patience);

    String confirmedEmail = "grace.hopper@example.com";
    String confirmedId = api.signUpAccepted(confirmedEmail, "Grace Hopper");
    URI confirmedLink = Inbox.link(inbox.await(confirmedEmail, 1).get(0));
    api.follow(confirmedLink);
    api.awaitStatus(confirmedId, "CONFIRMED");
    inbox.awaitLatest(confirmedEmail, Inbox.WELCOME_SUBJECT);

    String retriedEmail = "alan.turing@example.com";
    smtp.failNextTransactions(1, 451, "4.3.0 Mailbox <" + retriedEmail + "> busy");
    String retriedId = api.signUpAccepted(retriedEmail, "Alan Turing");
    api.awaitStatus(retriedId, SignupApi.DELIVERED);
    URI retriedLink = Inbox.link(inbox.await(retriedEmail, 1).get(0));

    String rejectedEmail = "nobody.here@example.com";
    smtp.rejectRecipient(rejectedEmail, 550, "5.1.1 <" + rejectedEmail + ">: No such user");
    String rejectedId = api.signUpAccepted(rejectedEmail, "Nobody Here");
    api.awaitStatus(rejectedId, "DELIVERY_FAILED");

    return new EveryOutcome(
        new Signup(confirmedEmail, "Grace Hopper", confirmedId, confirmedLink),
        new Signup(retriedEmail, "Alan Turing", retriedId, retriedLink),
        new Signup(rejectedEmail, "Nobody Here", rejectedId, null));
  }

  public List<Signup> signups() {
    return List.of(confirmed, retried, rejected);
  }

  /** What must never be stored or logged in clear: the addresses, the names and the tokens. */
  public List<String> personalData() {
    List<String> personal = new ArrayList<>();
    for (Signup signup : signups()) {
      personal.add(signup.email());
      personal.add(signup.name());
      if (signup.link() != null) {
        personal.add(Inbox.token(signup.link()));
      }
    }
    return personal;
  }
}
