package dev.signups.server.resources;

import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request body whole before anything parses it, and refuses what no parser should see: a
 * body over the size limit (413), whether declared up front or found out while reading a chunked or
 * compressed body; a body that cannot be read, such as corrupt compressed data (400); and one that
 * is not well-formed UTF-8, overlong forms and lone surrogates included (400).
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
    int declared = request.getLength();
    if (declared > maxBytes) {
      throw refusal(Response.Status.REQUEST_ENTITY_TOO_LARGE, tooLarge());
    }
    byte[] body = read(request.getEntityStream(), declared);
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
   * Reads the body: exactly {@code declared} bytes when its length is declared (not below 0), else
   * up to one byte over the limit.
   */
  private byte[] read(InputStream in, int declared) {
    try (in) {
      if (declared >= 0) {
        byte[] body = new byte[declared];
        if (in.readNBytes(body, 0, declared) < declared) {
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
