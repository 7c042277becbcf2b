package dev.signups.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 written byte for byte on a fresh connection, for the requests {@link
 * java.net.http.HttpClient} will not make: any method, target, header (a {@code Content-Length} of
 * its own, an unknown {@code Content-Encoding}) and body, invalid UTF-8 included.
 */
public final class RawHttp {

  private static final byte[] CRLF = {'\r', '\n'};

  private RawHttp() {}

  /**
   * A request with {@code Host} and {@code Connection: close} added, and a {@code Content-Length}
   * for {@code body} unless {@code headers} declare one, or {@code Transfer-Encoding}.
   *
   * @param target the request target exactly as sent: path and query, percent-encoded or not
   * @param headers header lines such as {@code "Content-Type: application/json"}
   * @param body the body, or null for none
   */
  public static byte[] request(String method, String target, List<String> headers, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((method + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(target.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".getBytes());
    boolean framed = false;
    for (String header : headers) {
      String name = header.substring(0, Math.max(0, header.indexOf(':'))).toLowerCase(Locale.ROOT);
      framed |= name.equals("content-length") || name.equals("transfer-encoding");
      out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
      out.writeBytes(CRLF);
    }
    if (body != null && !framed) {
      out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes());
    }
    out.writeBytes(CRLF);
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** {@code body} in chunks of {@code chunkSize} bytes, as {@code Transfer-Encoding: chunked}. */
  public static byte[] chunked(byte[] body, int chunkSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int start = 0; start < body.length; start += chunkSize) {
      int length = Math.min(chunkSize, body.length - start);
      out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes());
      out.write(body, start, length);
      out.writeBytes(CRLF);
    }
    out.writeBytes("0\r\n\r\n".getBytes());
    return out.toByteArray();
  }

  /**
   * Sends {@code request} to {@code 127.0.0.1:port} on a new connection and reads the response
   * until the server closes it. A server may answer before the whole request is sent, as it does
   * for a body over its limit: what it answered is returned all the same.
   *
   * @throws IOException when nothing could be read, within {@code timeout} of the last byte
   */
  public static Response exchange(int port, byte[] request, Duration timeout) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      IOException writeFailure = null;
      try {
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
      } catch (IOException e) {
        writeFailure = e;
      }
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[16 * 1024];
      try {
        for (int n; (n = in.read(buffer)) != -1; ) {
          received.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        if (received.size() == 0) {
          throw e;
        }
      } catch (IOException e) {
        if (received.size() == 0) {
          if (writeFailure != null) {
            e.addSuppressed(writeFailure);
          }
          throw e;
        }
      }
      return Response.parse(received.toByteArray());
    }
  }

  /**
   * A response as read from the connection.
   *
   * @param status the status code
   * @param headers the header values by lower-case name, in order
   * @param body the body, de-chunked
   */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {

    public Optional<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream().findFirst();
    }

    /** The body decoded as UTF-8. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    static Response parse(byte[] raw) throws IOException {
      String all = new String(raw, StandardCharsets.ISO_8859_1);
      int end = all.indexOf("\r\n\r\n");
      if (!all.startsWith("HTTP/1.1 ") || end < 0) {
        throw new IOException(
            "Not an HTTP/1.1 response: " + all.substring(0, Math.min(200, all.length())));
      }
      String[] lines = all.substring(0, end).split("\r\n");
      int status = Integer.parseInt(lines[0].substring(9, 12));
      if (status == 100) {
        return parse(Arrays.copyOfRange(raw, end + 4, raw.length));
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers
            .computeIfAbsent(
                lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                name -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).strip());
      }
      byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
      if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
        body = dechunk(body);
      }
      return new Response(status, headers, body);
    }

    private static byte[] dechunk(byte[] chunked) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      String text = new String(chunked, StandardCharsets.ISO_8859_1);
      int at = 0;
      while (at < text.length()) {
        int lineEnd = text.indexOf("\r\n", at);
        if (lineEnd < 0) {
          break;
        }
        int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].strip(), 16);
        if (size == 0) {
          break;
        }
        out.write(chunked, lineEnd + 2, size);
        at = lineEnd + 2 + size + 2;
      }
      return out.toByteArray();
    }
  }
}
