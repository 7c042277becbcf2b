package dev.signups.activities.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Loopback ports for tests. */
public final class Ports {

  private Ports() {}

  /**
   * Returns a port that was free a moment ago: nothing listens on it, so it serves both as a port
   * to start a server on and as one where connections are refused.
   */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
