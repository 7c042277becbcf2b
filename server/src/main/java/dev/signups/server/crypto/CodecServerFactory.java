package dev.signups.server.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.server.AdminJersey;
import io.dropwizard.core.setup.Environment;
import io.temporal.payload.codec.PayloadCodec;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.handler.CrossOriginHandler;

/**
 * The codec endpoint the Temporal Web UI calls from the browser to show decrypted payloads: {@code
 * /codec/encode} and {@code /codec/decode} on the admin port.
 */
public class CodecServerFactory {

  /**
   * The origins of the Web UIs allowed to call the endpoint from a browser (CORS), such as {@code
   * http://localhost:8233}. Default that one, the dev server's UI.
   */
  @NotNull @JsonProperty
  private List<
          @Pattern(
              regexp = "https?://[^/\\s]+",
              message = "must be an origin such as https://ui.example.com")
          String>
      allowedOrigins = List.of("http://localhost:8233");

  /**
   * A bearer token every call must carry ({@code Authorization: Bearer <token>}); empty (the
   * default) for none, which suits a UI and admin port reachable only from the operator's machine.
   * A Web UI behind single sign-on passes its user's token when its codec setting {@code
   * passAccessToken} is on.
   */
  @JsonProperty private String token = "";

  /**
   * Serves the codec endpoint on the admin port, {@code /codec/encode} and {@code /codec/decode},
   * decoding with {@code codec} for {@code namespace} only, callable from the allowed origins'
   * browsers.
   */
  public void serve(Environment environment, PayloadCodec codec, String namespace) {
    AdminJersey.serve(environment, "/codec/*")
        .register(new CodecResource(codec, namespace, token == null ? "" : token));
    CrossOriginHandler cors = new CrossOriginHandler();
    cors.setAllowedOriginPatterns(
        allowedOrigins.stream().map(java.util.regex.Pattern::quote).collect(Collectors.toSet()));
    cors.setAllowedMethods(Set.of("POST", "GET", "OPTIONS"));
    cors.setAllowedHeaders(Set.of("Content-Type", "X-Namespace", "Authorization"));
    cors.setAllowCredentials(true);
    environment.getAdminContext().insertHandler(cors);
  }
}
