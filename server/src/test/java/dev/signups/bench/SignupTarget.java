package dev.signups.bench;

import java.util.concurrent.CompletableFuture;

/** Where the load generator sends signups: P's or R's HTTP API, or B0's Temporal client. */
interface SignupTarget extends AutoCloseable {

  /** The answer that means the signup was taken: {@code 202}. */
  int ACCEPTED = 202;

  /** The answer recorded when none came (a network error, a timeout, an exception). */
  int NO_ANSWER = -1;

  /**
   * Sends one signup without waiting for it; completes with the HTTP status, {@link #ACCEPTED} for
   * a workflow started by B0's client, or {@link #NO_ANSWER}. Never completes exceptionally.
   */
  CompletableFuture<Integer> submit(String email, String name);

  @Override
  void close();
}
