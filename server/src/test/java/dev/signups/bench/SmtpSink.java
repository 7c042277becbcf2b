package dev.signups.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The benchmark's SMTP server: accepts every message, waits {@code replyDelayMillis} before each
 * reply (the greeting and {@code 221} included, as a remote provider's round trips would), and
 * reports each message it accepted as one line on {@code out}, written just before its {@code 250}:
 *
 * <pre>{@code 250 <epoch microseconds> <RCPT TO address> <Message-ID or ->}</pre>
 *
 * <p>One thread per connection, no parsing beyond the command verb and the Message-ID header, and
 * nothing kept: it never becomes the bottleneck of the systems it measures. Its first line is
 * {@code port <port>}.
 */
final class SmtpSink {

  private final ServerSocket server;
  private final long replyDelayMillis;
  private final PrintStream out;
  private final ExecutorService connections =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "smtp-sink");
            thread.setDaemon(true);
            return thread;
          });

  private SmtpSink(ServerSocket server, long replyDelayMillis, PrintStream out) {
    this.server = server;
    this.replyDelayMillis = replyDelayMillis;
    this.out = out;
  }

  /** Runs a sink on a free loopback port until the process is killed. */
  static void main(long replyDelayMillis) throws IOException {
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
    ServerSocket server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    SmtpSink sink = new SmtpSink(server, replyDelayMillis, out);
    synchronized (out) {
      out.println("port " + server.getLocalPort());
      out.flush();
    }
    sink.serve();
  }

  private void serve() throws IOException {
    while (true) {
      Socket socket = server.accept();
      connections.execute(() -> converse(socket));
    }
  }

  private void converse(Socket socket) {
    try (socket;
        InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        OutputStream reply = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      reply(reply, "220 bench-sink ESMTP");
      List<String> recipients = new ArrayList<>();
      String line;
      while ((line = readLine(in)) != null) {
        String verb =
            (line.length() < 4 ? line : line.substring(0, 4)).toUpperCase(Locale.ROOT).strip();
        switch (verb) {
          case "EHLO", "HELO" -> reply(reply, "250 bench-sink");
          case "MAIL", "RSET" -> {
            recipients.clear();
            reply(reply, "250 OK");
          }
          case "RCPT" -> {
            recipients.add(address(line));
            reply(reply, "250 OK");
          }
          case "DATA" -> {
            reply(reply, "354 End data with <CR><LF>.<CR><LF>");
            String messageId = readMessage(in);
            if (messageId == null) {
              return;
            }
            delay();
            record(recipients, messageId);
            write(reply, "250 OK");
            recipients.clear();
          }
          case "NOOP" -> reply(reply, "250 OK");
          case "QUIT" -> {
            reply(reply, "221 Bye");
            return;
          }
          default -> reply(reply, "502 Command not implemented");
        }
      }
    } catch (IOException | InterruptedException e) {
      // The client went away; nothing of this connection was accepted after that.
    }
  }

  private void record(List<String> recipients, String messageId) {
    Instant now = Instant.now();
    long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    synchronized (out) {
      for (String recipient : recipients) {
        out.print("250 ");
        out.print(micros);
        out.print(' ');
        out.print(recipient);
        out.print(' ');
        out.println(messageId.isEmpty() ? "-" : messageId);
      }
      out.flush();
    }
  }

  /** Reads the message up to the lone dot; returns its Message-ID, "" if none, null on EOF. */
  private static String readMessage(InputStream in) throws IOException {
    String messageId = "";
    boolean headers = true;
    String line;
    while ((line = readLine(in)) != null) {
      if (line.equals(".")) {
        return messageId;
      }
      if (headers) {
        if (line.isEmpty()) {
          headers = false;
        } else if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
          messageId = line.substring(11).strip();
        } else if (!messageId.isEmpty()
            && messageId.indexOf('>') < 0
            && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
          messageId += line.strip();
        }
      }
    }
    return null;
  }

  private static String address(String rcpt) {
    int open = rcpt.indexOf('<');
    int close = rcpt.indexOf('>', open + 1);
    return open >= 0 && close > open
        ? rcpt.substring(open + 1, close).toLowerCase(Locale.ROOT)
        : rcpt.substring(rcpt.indexOf(':') + 1).strip().toLowerCase(Locale.ROOT);
  }

  private void reply(OutputStream reply, String text) throws IOException, InterruptedException {
    delay();
    write(reply, text);
  }

  private void delay() throws InterruptedException {
    if (replyDelayMillis > 0) {
      Thread.sleep(replyDelayMillis);
    }
  }

  private static void write(OutputStream reply, String text) throws IOException {
    reply.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    reply.flush();
  }

  /** One line without its CRLF (or bare LF), or null at the end of the stream. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
          length--;
        }
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }
}
