package dev.signups.server.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

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

  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  public String getToken() {
    return token == null ? "" : token;
  }
}
