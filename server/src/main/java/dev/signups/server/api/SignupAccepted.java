package dev.signups.server.api;

/**
 * The answer to {@code POST /signups}: the same whether the signup is new or already running.
 *
 * @param id the signup's id, to read its state at {@code /signups/{id}}
 * @param status always {@code ACCEPTED}: the signup is recorded and its email will be sent
 */
public record SignupAccepted(String id, String status) {

  public static SignupAccepted of(String id) {
    return new SignupAccepted(id, "ACCEPTED");
  }
}
