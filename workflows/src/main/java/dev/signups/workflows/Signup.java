package dev.signups.workflows;

/**
 * The input of {@link SignupWorkflow}: who signed up.
 *
 * @param email the address, as validated by the API
 * @param name the display name, as validated by the API
 */
public record Signup(String email, String name) {}
