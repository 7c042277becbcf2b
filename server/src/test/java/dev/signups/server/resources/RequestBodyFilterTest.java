package dev.signups.server.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link RequestBodyFilter} refuses before any parser sees a body, on Jersey's own request
 * type; the end-to-end behaviour, behind Jetty, is {@code HostileInputIT}'s.
 */
class RequestBodyFilterTest {

  private static final int MAX_BYTES = 16 * 1024;
  private static final String BODY = "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}";

  private final RequestBodyFilter filter = new RequestBodyFilter(MAX_BYTES);

  @ParameterizedTest
  @ValueSource(strings = {"16385", "2147483648", "99999999999", "9223372036854775807"})
  void shouldAnswer413ForADeclaredLengthOverTheLimitHoweverLarge(String length) {
    ContainerRequest request = post(Map.of("Content-Length", length), "");

    assertRefused(request, 413, "Request body is larger than 16384 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"br", "deflate", "x-unknown", "gzip", "gzip, gzip"})
  void shouldAnswer415ForABodyInACodingNothingDecoded(String coding) {
    ContainerRequest request =
        post(
            Map.of("Content-Encoding", coding), "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}");

    assertRefused(
        request,
        415,
        "Content-Encoding is not supported; send the body as it is, or gzip-compressed");
  }

  @Test
  void shouldTakeABodyDeclaredIdentity() {
    ContainerRequest request = post(Map.of("Content-Encoding", "identity"), "{}");

    filter.filter(request);

    assertThat(request.getEntityStream()).hasContent("{}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus", "utf-7", "\"@@\""})
  void shouldAnswer415ForACharsetThisJvmDoesNotKnow(String charset) {
    ContainerRequest request =
        post(
            Map.of("Content-Type", "application/x-www-form-urlencoded; charset=" + charset),
            "token=a");

    assertRefused(
        request, 415, "The charset of the Content-Type is not supported; send the body in UTF-8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"UTF-8", "utf-8", "ISO-8859-1", "US-ASCII"})
  void shouldTakeACharsetThisJvmKnows(String charset) {
    ContainerRequest request =
        post(
            Map.of("Content-Type", "application/x-www-form-urlencoded; charset=" + charset),
            "token=a");

    filter.filter(request);

    assertThat(request.getEntityStream()).hasContent("token=a");
  }

  @Test
  void shouldReadNoFurtherThanTheDeclaredLength() throws IOException {
    ContainerRequest request =
        post(BODY.length(), new ArrivedBody(BODY.getBytes(StandardCharsets.UTF_8)));

    filter.filter(request);

    assertThat(request.getEntityStream().readAllBytes())
        .isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldRefuseABodyShorterThanItsDeclaredLength() {
    ContainerRequest request = post(BODY.length() + 1, body(BODY));

    assertThatThrownBy(() -> filter.filter(request))
        .isInstanceOfSatisfying(
            WebApplicationException.class,
            refused -> assertThat(refused.getResponse().getStatus()).isEqualTo(400));
  }

  @Test
  void shouldReadABodyOfUndeclaredLengthToItsEnd() throws IOException {
    ContainerRequest request = post(-1, body(BODY));

    filter.filter(request);

    assertThat(request.getEntityStream().readAllBytes())
        .isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
  }

  /** A POST of {@code body} that declares {@code declaredLength}, or no length when below 0. */
  private static ContainerRequest post(int declaredLength, InputStream body) {
    ContainerRequest request =
        post(
            declaredLength < 0
                ? Map.of()
                : Map.of(HttpHeaders.CONTENT_LENGTH, Integer.toString(declaredLength)),
            "");
    request.setEntityStream(body);
    return request;
  }

  private static InputStream body(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private void assertRefused(ContainerRequest request, int status, String message) {
    assertThatThrownBy(() -> filter.filter(request))
        .isInstanceOfSatisfying(
            WebApplicationException.class,
            refused -> {
              assertThat(refused.getResponse().getStatus()).isEqualTo(status);
              ErrorMessage error = (ErrorMessage) refused.getResponse().getEntity();
              assertThat(error.getCode()).isEqualTo(status);
              assertThat(error.getMessage()).isEqualTo(message);
            });
  }

  private static ContainerRequest post(Map<String, String> headers, String body) {
    ContainerRequest request =
        new ContainerRequest(
            URI.create("http://127.0.0.1/"),
            URI.create("http://127.0.0.1/signups"),
            "POST",
            null,
            new MapPropertiesDelegate(),
            new ResourceConfig());
    headers.forEach(request::header);
    request.setEntityStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    return request;
  }

  /**
   * A body all of whose bytes have arrived, read as Jetty reads it after the thread was held up:
   * any read past its end fails the minimum data rate check.
   */
  private static final class ArrivedBody extends InputStream {

    private final byte[] bytes;
    private int position;

    ArrivedBody(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (position == bytes.length) {
        throw new IOException("Request content data rate < 1024 B/s");
      }
      int count = Math.min(length, bytes.length - position);
      System.arraycopy(bytes, position, buffer, offset, count);
      position += count;
      return count;
    }
  }
}
