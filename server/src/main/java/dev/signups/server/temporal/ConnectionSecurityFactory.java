package dev.signups.server.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the application proves who it is to Temporal and protects the connection: nothing (a local or
 * private cluster), TLS, TLS with a client certificate (mTLS, as Temporal Cloud namespaces with
 * certificate authentication want), or an API key over TLS (Temporal Cloud with API keys).
 */
@SelfValidating
public class ConnectionSecurityFactory {

  /**
   * Whether to connect with TLS, checking the server's certificate against the system's trusted
   * authorities. Default false. Implied by a client certificate or an API key.
   */
  @JsonProperty private boolean tls = false;

  /**
   * The client certificate (PEM, X.509) for mTLS; empty for none. Goes with {@code clientKeyPath}.
   */
  @JsonProperty private String clientCertPath = "";

  /** The client certificate's private key (PEM, PKCS #8); empty for none. */
  @JsonProperty private String clientKeyPath = "";

  /**
   * A Temporal Cloud API key, sent as a bearer token on every call over TLS; empty for none. From
   * the environment, never the file. Not together with a client certificate.
   */
  @JsonProperty private String apiKey = "";

  /** Applies this security to {@code options}. */
  void applyTo(WorkflowServiceStubsOptions.Builder options) {
    if (!blank(clientCertPath)) {
      try (InputStream cert = Files.newInputStream(Path.of(clientCertPath));
          InputStream key = Files.newInputStream(Path.of(clientKeyPath))) {
        options.setSslContext(SimpleSslContextBuilder.forPKCS8(cert, key).build());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the Temporal client certificate or key", e);
      }
    } else if (tls || !blank(apiKey)) {
      options.setEnableHttps(true);
    }
    if (!blank(apiKey)) {
      options.addApiKey(() -> apiKey);
    }
  }

  @SelfValidation
  public void validateCredentials(ViolationCollector violations) {
    if (blank(clientCertPath) != blank(clientKeyPath)) {
      violations.addViolation(
          blank(clientCertPath) ? "clientCertPath" : "clientKeyPath",
          "must be set together with "
              + (blank(clientCertPath) ? "clientKeyPath" : "clientCertPath"));
      return;
    }
    if (!blank(clientCertPath) && !blank(apiKey)) {
      violations.addViolation(
          "apiKey", "must not be set together with a client certificate: choose one");
    }
    checkReadable(violations, "clientCertPath", clientCertPath);
    checkReadable(violations, "clientKeyPath", clientKeyPath);
  }

  private static void checkReadable(ViolationCollector violations, String key, String path) {
    if (!blank(path) && !Files.isReadable(Path.of(path))) {
      violations.addViolation(key, "names no readable file: " + path);
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
