package dev.signups.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and peak memory of processes, from Linux's {@code /proc}: {@code utime + stime} (and
 * {@code cutime + cstime}, the children it reaped) of a process and of every process below it, and
 * {@code VmHWM}, the peak resident set size.
 */
final class ProcStats {

  /** Clock ticks per second ({@code getconf CLK_TCK}); scripts/bench passes it, else 100. */
  private static final long TICKS_PER_SECOND = Long.getLong("bench.clkTck", 100);

  private ProcStats() {}

  /**
   * CPU milliseconds used so far by {@code pids} and all their descendants, the ones that exited
   * and were reaped included; a pid that is gone counts 0.
   */
  static long cpuMillis(Collection<Long> pids) {
    Map<Long, List<Long>> children = children();
    long ticks = 0;
    List<Long> pending = new ArrayList<>(pids);
    while (!pending.isEmpty()) {
      long pid = pending.remove(pending.size() - 1);
      ticks += ticks(pid);
      pending.addAll(children.getOrDefault(pid, List.of()));
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  /**
   * Milliseconds that the threads of {@code pids} and their descendants spent runnable but waiting
   * for a CPU (the run-queue delay of /proc/pid/task/tid/schedstat), threads that exited excepted:
   * how much a process was starved of CPU rather than blocked on I/O or idle.
   */
  static long runQueueWaitMillis(Collection<Long> pids) {
    long nanos = 0;
    for (long pid : tree(pids)) {
      try (DirectoryStream<Path> threads =
          Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path thread : threads) {
          try {
            String[] fields = Files.readString(thread.resolve("schedstat")).trim().split(" ");
            nanos += Long.parseLong(fields[1]);
          } catch (IOException | RuntimeException gone) {
            // The thread exited meanwhile.
          }
        }
      } catch (IOException | RuntimeException gone) {
        // The process exited meanwhile.
      }
    }
    return nanos / 1_000_000;
  }

  /**
   * Bytes that {@code pids} and their live descendants caused to be written to storage so far
   * ({@code write_bytes} of /proc/pid/io), or -1 when the kernel does not tell.
   */
  static long writeBytes(Collection<Long> pids) {
    long total = 0;
    for (long pid : tree(pids)) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
          if (line.startsWith("write_bytes:")) {
            total += Long.parseLong(line.substring(12).strip());
          }
        }
      } catch (IOException | RuntimeException unknown) {
        return -1;
      }
    }
    return total;
  }

  /** {@code pids} and all their live descendants. */
  private static List<Long> tree(Collection<Long> pids) {
    Map<Long, List<Long>> children = children();
    List<Long> all = new ArrayList<>();
    List<Long> pending = new ArrayList<>(pids);
    while (!pending.isEmpty()) {
      long pid = pending.remove(pending.size() - 1);
      all.add(pid);
      pending.addAll(children.getOrDefault(pid, List.of()));
    }
    return all;
  }

  /** CPU milliseconds used so far by {@code pid} itself, without its children. */
  static long ownCpuMillis(long pid) {
    String[] fields = statFields(pid);
    if (fields == null) {
      return 0;
    }
    // fields[0] is field 3 of stat; utime and stime are fields 14 and 15.
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS_PER_SECOND;
  }

  /**
   * The whole machine's CPU time so far, in clock ticks summed over all cores, from the first line
   * of /proc/stat: {busy (user, nice, system, irq, softirq, steal), iowait, total}.
   */
  static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long user = Long.parseLong(f[1]);
      long nice = Long.parseLong(f[2]);
      long system = Long.parseLong(f[3]);
      long idle = Long.parseLong(f[4]);
      long iowait = Long.parseLong(f[5]);
      long irq = Long.parseLong(f[6]);
      long softirq = Long.parseLong(f[7]);
      long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      long busy = user + nice + system + irq + softirq + steal;
      return new long[] {busy, iowait, busy + idle + iowait};
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/stat", e);
    }
  }

  /** Peak resident set size of {@code pid} in MiB ({@code VmHWM}), or -1 when it is gone. */
  static long peakRssMib(long pid) {
    return statusKib(pid, "VmHWM:") / 1024;
  }

  /** The sum of {@link #peakRssMib} over {@code pids} and their live descendants. */
  static long peakRssMibOfTree(Collection<Long> pids) {
    Map<Long, List<Long>> children = children();
    long kib = 0;
    List<Long> pending = new ArrayList<>(pids);
    while (!pending.isEmpty()) {
      long pid = pending.remove(pending.size() - 1);
      kib += Math.max(0, statusKib(pid, "VmHWM:"));
      pending.addAll(children.getOrDefault(pid, List.of()));
    }
    return kib / 1024;
  }

  private static long statusKib(long pid, String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).replace("kB", "").strip());
        }
      }
      return -1;
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /** utime + stime + cutime + cstime, fields 14 to 17 of /proc/pid/stat. */
  private static long ticks(long pid) {
    String[] fields = statFields(pid);
    if (fields == null) {
      return 0;
    }
    // fields[0] is the state, field 3 of stat; utime is field 14.
    long total = 0;
    for (int field = 14; field <= 17; field++) {
      total += Long.parseLong(fields[field - 3]);
    }
    return total;
  }

  /** The fields of /proc/pid/stat after the command name, from the state (field 3) on. */
  private static String[] statFields(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }

  /** Each live process's children, by parent pid. */
  private static Map<Long, List<Long>> children() {
    Map<Long, List<Long>> children = new HashMap<>();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        long pid = Long.parseLong(process.getFileName().toString());
        String[] fields = statFields(pid);
        if (fields != null) {
          children.computeIfAbsent(Long.parseLong(fields[1]), p -> new ArrayList<>()).add(pid);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return children;
  }
}
