package dev.signups.server.crypto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Temporal's remote codec protocol, for the Web UI and the CLI ({@code --codec-endpoint}): {@code
 * POST /codec/encode} and {@code POST /codec/decode} take {@code {"payloads": [...]}} and answer
 * the same, encoded or decoded. Served on the admin port, for this application's namespace only,
 * and, when a token is configured, only to requests that carry it as a bearer token.
 */
@Path("/")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CodecResource {

  private final PayloadCodec codec;
  private final String namespace;
  private final String token;

  /**
   * @param namespace the one namespace whose payloads this decodes
   * @param token the bearer token a request must carry; empty for none
   */
  public CodecResource(PayloadCodec codec, String namespace, String token) {
    this.codec = codec;
    this.namespace = namespace;
    this.token = token;
  }

  @POST
  @Path("encode")
  public String encode(
      @HeaderParam("X-Namespace") String namespace,
      @HeaderParam("Authorization") String authorization,
      String body) {
    return apply(namespace, authorization, body, codec::encode);
  }

  @POST
  @Path("decode")
  public String decode(
      @HeaderParam("X-Namespace") String namespace,
      @HeaderParam("Authorization") String authorization,
      String body) {
    return apply(namespace, authorization, body, codec::decode);
  }

  private String apply(
      String namespace, String authorization, String body, UnaryOperator<List<Payload>> code) {
    if (!token.isEmpty() && !isToken(authorization)) {
      throw new NotAuthorizedException("Bearer");
    }
    if (namespace != null && !namespace.isEmpty() && !namespace.equals(this.namespace)) {
      throw new ForbiddenException("This codec serves namespace " + this.namespace + " only");
    }
    Payloads.Builder payloads = Payloads.newBuilder();
    try {
      JsonFormat.parser().merge(body, payloads);
      return JsonFormat.printer()
          .print(Payloads.newBuilder().addAllPayloads(code.apply(payloads.getPayloadsList())));
    } catch (InvalidProtocolBufferException e) {
      throw new BadRequestException("Body must be {\"payloads\": [...]}");
    } catch (PayloadCodecException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  /** Whether {@code authorization} is {@code Bearer <token>}, compared in constant time. */
  private boolean isToken(String authorization) {
    String expected = "Bearer " + token;
    return authorization != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8),
            authorization.getBytes(StandardCharsets.UTF_8));
  }
}
