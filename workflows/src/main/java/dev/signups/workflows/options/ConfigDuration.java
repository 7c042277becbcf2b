package dev.signups.workflows.options;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration written as a whole number and a unit: {@code 500ms}, {@code 30s}, {@code 10m},
 * {@code 24h} or {@code 7d}. Negative values and other forms are refused with a message that shows
 * the accepted ones.
 */
public final class ConfigDuration extends StdScalarDeserializer<Duration> {

  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Map<String, ChronoUnit> UNITS =
      Map.of(
          "ms", ChronoUnit.MILLIS,
          "s", ChronoUnit.SECONDS,
          "m", ChronoUnit.MINUTES,
          "h", ChronoUnit.HOURS,
          "d", ChronoUnit.DAYS);

  public ConfigDuration() {
    super(Duration.class);
  }

  /** Parses {@code text}, or throws {@link IllegalArgumentException} saying what is accepted. */
  public static Duration parse(String text) {
    Matcher matcher = FORM.matcher(text.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a duration: write a whole number of ms, s, m, h or d, such as 30s,"
              + " 10m or 24h (not negative)");
    }
    return Duration.of(Long.parseLong(matcher.group(1)), UNITS.get(matcher.group(2)));
  }

  /** Writes {@code duration} in the form {@link #parse} reads, in hours, minutes, s or ms. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    for (String unit : new String[] {"h", "m", "s"}) {
      long size = UNITS.get(unit).getDuration().toMillis();
      if (millis != 0 && millis % size == 0) {
        return millis / size + unit;
      }
    }
    return millis + "ms";
  }

  @Override
  public Duration deserialize(JsonParser parser, DeserializationContext context)
      throws IOException {
    String text = parser.getValueAsString();
    if (text == null) {
      return (Duration) context.handleUnexpectedToken(Duration.class, parser);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new PlainMessage(parser, e.getMessage());
    }
  }

  /**
   * A mapping failure whose message is ours alone: Dropwizard prints the message after the key's
   * path, and Jackson's usual one would add class names.
   */
  private static final class PlainMessage extends JsonMappingException {
    PlainMessage(JsonParser parser, String message) {
      super(parser, message);
    }

    @Override
    public String getMessage() {
      return getOriginalMessage();
    }
  }
}
