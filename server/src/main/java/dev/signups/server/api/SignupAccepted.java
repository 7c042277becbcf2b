package dev.signups.server.api;

/**
 * The answer to {@code POST /signups} and to a re-drive: the same whatever the address's past, so
 * that it tells nothing about whether the address is known.
 *
 * @param status always {@code ACCEPTED}: the signup is recorded and its email will be sent
 */
public record SignupAccepted(String status) {

  public static final SignupAccepted ACCEPTED = new SignupAccepted("ACCEPTED");
}
