package dev.signups.server.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ContainerRequest;
import org.junit.jupiter.api.Test;

class RequestBodyFilterTest {

  private static final byte[] BODY =
      "{\"email\":\"ada@example.com\",\"name\":\"Ada\"}".getBytes(StandardCharsets.UTF_8);

  private final RequestBodyFilter filter = new RequestBodyFilter(16 * 1024);

  @Test
  void shouldReadNoFurtherThanTheDeclaredLength() throws IOException {
    ContainerRequest request = post(BODY.length, new ArrivedBody(BODY));

    filter.filter(request);

    assertThat(request.getEntityStream().readAllBytes()).isEqualTo(BODY);
  }

  @Test
  void shouldRefuseABodyShorterThanItsDeclaredLength() {
    ContainerRequest request = post(BODY.length + 1, new ByteArrayInputStream(BODY));

    assertThatThrownBy(() -> filter.filter(request))
        .isInstanceOfSatisfying(
            WebApplicationException.class,
            refused -> assertThat(refused.getResponse().getStatus()).isEqualTo(400));
  }

  @Test
  void shouldReadABodyOfUndeclaredLengthToItsEnd() throws IOException {
    ContainerRequest request = post(-1, new ByteArrayInputStream(BODY));

    filter.filter(request);

    assertThat(request.getEntityStream().readAllBytes()).isEqualTo(BODY);
  }

  private static ContainerRequest post(int declaredLength, InputStream body) {
    ContainerRequest request =
        new ContainerRequest(
            URI.create("http://127.0.0.1/"),
            URI.create("http://127.0.0.1/signups"),
            "POST",
            null,
            new MapPropertiesDelegate(),
            null);
    if (declaredLength >= 0) {
      request.header(HttpHeaders.CONTENT_LENGTH, Integer.toString(declaredLength));
    }
    request.setEntityStream(body);
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
