package dev.signups.server.resources;

import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request body whole before anything parses it, and refuses what no parser should see: a
 * body over the size limit (413), whether declared up front (however large the declared length) or
 * found out while reading a chunked or compressed body; a body that cannot be read, such as corrupt
 * compressed data (400); a body in a content coding that was not decoded, anything but gzip, which
 * Jetty inflates before this filter (415); a body declared in a charset this JVM does not know
 * (415); and one that is not well-formed UTF-8, overlong forms and lone surrogates included (400).
 *
 * <p>A body of declared length is read to its last byte and no further: Jetty checks the
 * connector's minimum request data rate before every read, counting from the body's first byte, so
 * a read after the whole body has arrived fails a small body if the thread was held up (a GC pause,
 * a busy CPU) longer than its size allows at that rate.
 */
@PreMatching
public final class RequestBodyFilter implements ContainerRequestFilter {

  private final long maxBytes;

  public RequestBodyFilter(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    long declared = declaredLength(request);
    if (declared > maxBytes) {
      throw refusal(Response.Status.REQUEST_ENTITY_TOO_LARGE, tooLarge());
    }
    byte[] body = read(request.getEntityStream(), declared);
    if (body.length > 0 && isEncoded(request)) {
      throw refusal(
          Response.Status.UNSUPPORTED_MEDIA_TYPE,
          "Content-Encoding is not supported; send the body as it is, or gzip-compressed");
    }
    if (hasUnknownCharset(request)) {
      throw refusal(
          Response.Status.UNSUPPORTED_MEDIA_TYPE,
          "The charset of the Content-Type is not supported; send the body in UTF-8");
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body));
    } catch (CharacterCodingException e) {
      throw refusal(Response.Status.BAD_REQUEST, "Request body is not valid UTF-8");
    }
    request.setEntityStream(new ByteArrayInputStream(body));
  }

  /**
   * The Content-Length as a long: Jersey's {@code getLength()} fails on a length over 2 GiB, and
   * Jetty has already refused one that is not a number.
   */
  private static long declaredLength(ContainerRequestContext request) {
    String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (declared == null) {
      return -1;
    }
    try {
      return Long.parseLong(declared.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Whether the body still carries a content coding: Jetty inflates gzip and then removes the
   * header, and leaves any other coding, which nothing here would decode.
   */
  private static boolean isEncoded(ContainerRequestContext request) {
    String coding = request.getHeaderString(HttpHeaders.CONTENT_ENCODING);
    return coding != null && !coding.isBlank() && !coding.strip().equalsIgnoreCase("identity");
  }

  /** Whether the Content-Type names a charset that Jersey would fail to decode the body with. */
  private static boolean hasUnknownCharset(ContainerRequestContext request) {
    MediaType type = request.getMediaType();
    String charset = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (charset == null) {
      return false;
    }
    try {
      return !Charset.isSupported(charset);
    } catch (IllegalArgumentException illegalName) {
      return true;
    }
  }

  /**
   * Reads the body: exactly {@code declared} bytes when its length is declared (not below 0), else
   * up to one byte over the limit.
   */
  private byte[] read(InputStream in, long declared) {
    try (in) {
      if (declared >= 0) {
        byte[] body = new byte[Math.toIntExact(declared)];
        if (in.readNBytes(body, 0, body.length) < body.length) {
          throw new EOFException("the body ended before its declared length");
        }
        return body;
      }
      byte[] body = in.readNBytes(Math.toIntExact(maxBytes + 1));
      if (body.length > maxBytes) {
        throw refusal(Response.Status.REQUEST_ENTITY_TOO_LARGE, tooLarge());
      }
      return body;
    } catch (IOException | RuntimeException e) {
      if (e instanceof WebApplicationException refused) {
        throw refused;
      }
      throw refusal(
          Response.Status.BAD_REQUEST,
          "Request body could not be read; check its Content-Encoding and length");
    }
  }

  private String tooLarge() {
    return "Request body is larger than " + maxBytes + " bytes";
  }

  private static WebApplicationException refusal(Response.Status status, String message) {
    return new WebApplicationException(
        Response.status(status)
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(new ErrorMessage(status.getStatusCode(), message))
            .build());
  }
}
