package dev.signups.server.resources;

import dev.signups.server.core.TemporalUnavailableException;
import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers 503 with a plain message when Temporal cannot be reached. */
public final class TemporalUnavailableMapper
    implements ExceptionMapper<TemporalUnavailableException> {

  private static final Logger log = LoggerFactory.getLogger(TemporalUnavailableMapper.class);

  @Override
  public Response toResponse(TemporalUnavailableException e) {
    log.warn("{}: {}", e.getMessage(), e.getCause().getMessage());
    int status = Response.Status.SERVICE_UNAVAILABLE.getStatusCode();
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header("Retry-After", 5)
        .entity(new ErrorMessage(status, e.getMessage()))
        .build();
  }
}
