package dev.signups.activities.testing;

/**
 * The connection a send under test runs on: one of its own, or one that an earlier send left open
 * in the sender's pool. A test on {@link #REUSED} sends one email before it scripts the fault.
 */
public enum Connection {
  NEW,
  REUSED
}
