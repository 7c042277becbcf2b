package dev.signups.server.resources;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.stream.Collectors;

/**
 * Answers 400 for a body that is not the expected JSON, saying which field is wrong without
 * exposing class names or parser internals.
 */
public final class JsonErrorMapper implements ExceptionMapper<JsonProcessingException> {

  @Override
  public Response toResponse(JsonProcessingException e) {
    if (e instanceof InvalidDefinitionException) {
      throw new IllegalStateException("Cannot bind a request type", e);
    }
    int status = Response.Status.BAD_REQUEST.getStatusCode();
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ErrorMessage(status, describe(e)))
        .build();
  }

  private static String describe(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "Unknown field '"
          + unknown.getPropertyName()
          + "'; expected "
          + unknown.getKnownPropertyIds().stream()
              .map(Object::toString)
              .sorted()
              .collect(Collectors.joining(" and "));
    }
    if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      return "Field '" + path(mismatch) + "' must be " + expected(mismatch.getTargetType());
    }
    if (e instanceof MismatchedInputException) {
      return "Request body must be a JSON object";
    }
    if (e instanceof JsonParseException && e.getOriginalMessage().startsWith("Duplicate field")) {
      return "Field "
          + e.getOriginalMessage().substring("Duplicate field ".length())
          + " appears more than once";
    }
    return "Request body is not valid JSON";
  }

  private static String expected(Class<?> type) {
    return type == String.class ? "a string" : "a " + type.getSimpleName();
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(JsonMappingException.Reference::getFieldName)
        .collect(Collectors.joining("."));
  }
}
