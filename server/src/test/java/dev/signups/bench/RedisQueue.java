package dev.signups.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/** R, the original design: signups as JSON on one Redis list, pushed left, popped right. */
final class RedisQueue {

  /** The list's key. */
  static final String KEY = "signups";

  private RedisQueue() {}

  /**
   * One signup on the list.
   *
   * @param email the address
   * @param name the name
   */
  record Item(@JsonProperty("email") String email, @JsonProperty("name") String name) {}
}
