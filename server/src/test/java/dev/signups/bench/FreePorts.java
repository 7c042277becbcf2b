package dev.signups.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the processes of one run, taken below the system's ephemeral range, where no
 * outgoing connection of this or another process on the machine can take them between the check and
 * the bind, and never the same one twice in a run.
 */
final class FreePorts {

  private static final int LOWEST = 20_000;
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  static synchronized int next() {
    int highest = ephemeralStart() - 1;
    for (int tries = 0; tries < 1_000; tries++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, highest);
      if (!GIVEN.contains(port) && bindable(port)) {
        GIVEN.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free port from " + LOWEST + " to " + highest);
  }

  private static boolean bindable(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** The first port of /proc/sys/net/ipv4/ip_local_port_range, 32768 if unknown. */
  private static int ephemeralStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
      return Math.max(LOWEST + 1_000, Integer.parseInt(range.split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
