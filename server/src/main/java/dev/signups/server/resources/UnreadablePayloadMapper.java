package dev.signups.server.resources;

import dev.signups.server.core.UnreadablePayloadException;
import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers 500 with the codec's message, which names the missing key, when a signup cannot be
 * decrypted with the configured keys: for the operators' API only, so that the fix (put the key
 * back in {@code payloadEncryption.keys}) is in the answer rather than only in the log.
 */
public final class UnreadablePayloadMapper implements ExceptionMapper<UnreadablePayloadException> {

  private static final Logger log = LoggerFactory.getLogger(UnreadablePayloadMapper.class);

  @Override
  public Response toResponse(UnreadablePayloadException e) {
    log.error(e.getMessage());
    int status = Response.Status.INTERNAL_SERVER_ERROR.getStatusCode();
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ErrorMessage(status, e.getMessage()))
        .build();
  }
}
