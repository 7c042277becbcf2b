package dev.signups.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.links.ConfirmationTokens;
import dev.signups.server.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The hostile requests of {@link HostileInputIT}, generated: every public endpoint fed malformed,
 * oversized, compressed, mistyped and mis-encoded input, addresses of every refused syntax,
 * characters that look like others, and every small change of a genuine confirmation token.
 *
 * <p>Every address a request names is at {@value #DOMAIN} or {@value #ATTACKER}, and each request
 * lists the addresses whose signup it must not start, in the form they would take had the server
 * stripped or decoded what made the request hostile.
 */
final class HostileRequests {

  static final String DOMAIN = "hostile.example";
  static final String ATTACKER = "attacker.example";

  /** What the public port serves, and what it must not. */
  enum Endpoint {
    SIGNUP("POST /signups"),
    CONFIRM_PAGE("GET /signups/confirm"),
    CONFIRM_HEAD("HEAD /signups/confirm"),
    CONFIRM("POST /signups/confirm"),
    RENEW("POST /signups/confirm/renew"),
    OTHER_METHOD("other methods and types on the public paths"),
    OPERATORS("operators' paths on the public port");

    final String label;

    Endpoint(String label) {
      this.label = label;
    }
  }

  /**
   * One hostile request.
   *
   * @param what what it tries, for the failure message
   * @param request the bytes sent
   * @param statuses the statuses it may get, or empty for any 4xx
   * @param field the field a 422 must name, or null
   * @param addresses addresses whose signup it must not start
   * @param bodyless whether the answer has no body: a HEAD, or a method Jetty refuses itself
   */
  record Probe(
      Endpoint endpoint,
      String what,
      byte[] request,
      Set<Integer> statuses,
      String field,
      List<String> addresses,
      boolean bodyless) {}

  /** Control characters: C0, DEL and C1. */
  static final int[] CONTROLS;

  static {
    int[] controls = new int[32 + 1 + 32];
    for (int c = 0; c < 32; c++) {
      controls[c] = c;
      controls[33 + c] = 0x80 + c;
    }
    controls[32] = 0x7f;
    CONTROLS = controls;
  }

  /** Bidi controls, zero-width and other invisible formatting characters, line separators. */
  private static final int[] INVISIBLE = {
    0x202e, 0x202d, 0x202a, 0x202b, 0x202c, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c,
    0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x2028, 0x2029, 0x00ad, 0xfff9, 0x180e, 0xe0041
  };

  /** Byte sequences that are not UTF-8: overlong forms, surrogates, past U+10FFFF, cut short. */
  private static final List<byte[]> NOT_UTF8 =
      List.of(
          octets(0xff),
          octets(0xfe),
          octets(0x80),
          octets(0xc0, 0xaf),
          octets(0xc0, 0x80),
          octets(0xc1, 0x80),
          octets(0xc0, 0x8d),
          octets(0xc0, 0x8a),
          octets(0xe0, 0x80, 0x80),
          octets(0xe0, 0x81, 0x80),
          octets(0xf0, 0x80, 0x81, 0x80),
          octets(0xed, 0xa0, 0x80),
          octets(0xed, 0xbf, 0xbf),
          octets(0xf4, 0x90, 0x80, 0x80),
          octets(0xf8, 0x88, 0x80, 0x80, 0x80),
          octets(0xc3));

  private final String realToken;
  private final String realSignupId;
  private final ConfirmationTokens tokens;
  private final List<Probe> probes = new ArrayList<>();

  /**
   * @param realToken the token of a link a real signup sent
   * @param realSignupId the id of a real signup
   * @param tokens the tokens of the application, to forge tokens it signed but never sent
   */
  private HostileRequests(String realToken, String realSignupId, ConfirmationTokens tokens) {
    this.realToken = realToken;
    this.realSignupId = realSignupId;
    this.tokens = tokens;
  }

  static List<Probe> all(String realToken, String realSignupId, ConfirmationTokens tokens) {
    HostileRequests corpus = new HostileRequests(realToken, realSignupId, tokens);
    corpus.truncatedAndMalformedJson();
    corpus.wrongTypesAndShapes();
    corpus.duplicateAndUnknownKeys();
    corpus.deepNesting();
    corpus.hugeBodies();
    corpus.compressedBodies();
    corpus.controlCharacters();
    corpus.unicodeTricks();
    corpus.refusedAddressSyntax();
    corpus.smtpInjection();
    corpus.wrongTypesAndMethods();
    corpus.operatorsPaths();
    corpus.mutatedTokens();
    return List.copyOf(corpus.probes);
  }

  // ---------------------------------------------------------------- POST /signups

  private void truncatedAndMalformedJson() {
    String valid = "{\"email\":\"prefix@" + DOMAIN + "\",\"name\":\"Pre Fix\"}";
    for (int n = 0; n < valid.length(); n++) {
      signup(
          "the first " + n + " bytes of a valid body",
          valid.substring(0, n).getBytes(UTF_8),
          n == 0 ? 422 : 400,
          null,
          "prefix@" + DOMAIN);
    }
    String email = "malformed@" + DOMAIN;
    for (String body :
        List.of(
            "{\"email\":\"" + email + "\",\"name\":\"M\"}}",
            "{\"email\":\"" + email + "\",\"name\":\"M\",}",
            "{\"email\":\"" + email + "\";\"name\":\"M\"}",
            "{'email':'" + email + "','name':'M'}",
            "{email:\"" + email + "\",name:\"M\"}",
            "{\"email\":\"" + email + "\",/* x */\"name\":\"M\"}",
            "{\"email\":\"" + email + "\",\"name\":\"M\"} {\"email\":\"x@" + DOMAIN + "\"}",
            "{\"email\":\"" + email + "\",\"name\":\"M\"}garbage",
            "{\"email\":\"" + email + "\",\"name\":\"M\\x41\"}",
            "{\"email\":\"" + email + "\",\"name\":\"M\\u12\"}",
            "{\"email\":\"" + email + "\",\"name\":NaN}",
            "\"email\":\"" + email + "\",\"name\":\"M\"")) {
      signup("malformed JSON " + body, body.getBytes(UTF_8), 400, null, email);
    }
  }

  private void wrongTypesAndShapes() {
    List<String> values =
        List.of(
            "5",
            "-1.5e3",
            "1e999999",
            "1".repeat(5000),
            "true",
            "false",
            "[]",
            "[\"x@" + DOMAIN + "\"]",
            "{}",
            "{\"address\":\"x@" + DOMAIN + "\"}");
    for (String value : values) {
      String email = "typed@" + DOMAIN;
      signup(
          "email " + abbreviate(value),
          json("{\"email\":" + value + ",\"name\":\"Typed\"}"),
          400,
          null);
      signup(
          "name " + abbreviate(value),
          json("{\"email\":\"" + email + "\",\"name\":" + value + "}"),
          400,
          null,
          email);
    }
    signup("email null", json("{\"email\":null,\"name\":\"Null\"}"), 422, "email");
    signup(
        "name null",
        json("{\"email\":\"null-name@" + DOMAIN + "\",\"name\":null}"),
        422,
        "name",
        "null-name@" + DOMAIN);
    signup(
        "no name",
        json("{\"email\":\"no-name@" + DOMAIN + "\"}"),
        422,
        "name",
        "no-name@" + DOMAIN);
    signup("no email", json("{\"name\":\"No Email\"}"), 422, "email");
    for (String body :
        List.of(
            "[]",
            "[{\"email\":\"array@" + DOMAIN + "\",\"name\":\"A\"}]",
            "\"array@" + DOMAIN + "\"",
            "5",
            "true")) {
      signup("a body of " + body, json(body), 400, null, "array@" + DOMAIN);
    }
    signup("a body of null", json("null"), 422, null);
  }

  private void duplicateAndUnknownKeys() {
    String a = "dup-a@" + DOMAIN;
    String b = "dup-b@" + DOMAIN;
    for (String body :
        List.of(
            "{\"email\":\"" + a + "\",\"email\":\"" + a + "\",\"name\":\"D\"}",
            "{\"email\":\"" + a + "\",\"name\":\"D\",\"email\":\"" + b + "\"}",
            "{\"email\":\"" + a + "\",\"name\":\"D\",\"name\":\"E\"}",
            "{\"email\":\"" + a + "\",\"\\u0065mail\":\"" + b + "\",\"name\":\"D\"}",
            "{\"email\":\"" + a + "\",\"name\":\"D\",\"Email\":\"" + b + "\"}",
            "{\"email\":\"" + a + "\",\"name\":\"D\",\"admin\":true}",
            "{\"email\":\"" + a + "\",\"name\":\"D\",\"__proto__\":{\"admin\":true}}",
            "{\"email\":\"" + a + "\",\"name\":\"D\",\"status\":\"CONFIRMED\"}",
            "{\"EMAIL\":\"" + a + "\",\"NAME\":\"D\"}")) {
      signup("keys " + body, json(body), 400, null, a, b);
    }
  }

  private void deepNesting() {
    int depth = 5000;
    String email = "deep@" + DOMAIN;
    signup(
        "email nested in " + depth + " arrays",
        json("{\"email\":" + "[".repeat(depth) + "]".repeat(depth) + ",\"name\":\"D\"}"),
        400,
        null);
    signup(
        "name nested in " + depth + " arrays",
        json(
            "{\"email\":\"" + email + "\",\"name\":" + "[".repeat(depth) + "]".repeat(depth) + "}"),
        400,
        null,
        email);
    signup(
        "name nested in 2000 objects",
        json(
            "{\"email\":\""
                + email
                + "\",\"name\":"
                + "{\"a\":".repeat(2000)
                + "1"
                + "}".repeat(2000)
                + "}"),
        400,
        null,
        email);
    signup(
        "an unknown field nested in 7000 arrays",
        json(
            "{\"email\":\""
                + email
                + "\",\"name\":\"D\",\"x\":"
                + "[".repeat(7000)
                + "]".repeat(7000)
                + "}"),
        400,
        null,
        email);
    signup("a body of 8000 unclosed arrays", json("[".repeat(8000)), 400, null);
  }

  private void hugeBodies() {
    String email = "huge@" + DOMAIN;
    String padded = "{\"email\":\"" + email + "\",\"name\":\"Huge\"" + " ".repeat(16400) + "}";
    signup("a declared body of " + padded.length() + " bytes", json(padded), 413, null, email);
    for (String length :
        List.of("16385", "2147483647", "2147483648", "99999999999", "9223372036854775807")) {
      add(
          Endpoint.SIGNUP,
          "Content-Length " + length + " and no body",
          RawHttp.request(
              "POST",
              "/signups",
              List.of("Content-Type: application/json", "Content-Length: " + length),
              null),
          Set.of(413),
          null,
          List.of(),
          false);
    }
    add(
        Endpoint.SIGNUP,
        "Content-Length past a long",
        RawHttp.request(
            "POST",
            "/signups",
            List.of("Content-Type: application/json", "Content-Length: 99999999999999999999999"),
            null),
        Set.of(),
        null,
        List.of(),
        false);
    add(
        Endpoint.SIGNUP,
        "Expect: 100-continue for 20000 bytes",
        RawHttp.request(
            "POST",
            "/signups",
            List.of(
                "Content-Type: application/json", "Expect: 100-continue", "Content-Length: 20000"),
            null),
        Set.of(413),
        null,
        List.of(),
        false);
    for (int size : new int[] {20_000, 1_000_000}) {
      byte[] body =
          ("{\"email\":\"" + email + "\",\"name\":\"" + "a".repeat(size) + "\"}").getBytes(UTF_8);
      add(
          Endpoint.SIGNUP,
          "a chunked body of " + body.length + " bytes",
          RawHttp.request(
              "POST",
              "/signups",
              List.of("Content-Type: application/json", "Transfer-Encoding: chunked"),
              RawHttp.chunked(body, 4096)),
          Set.of(413),
          null,
          List.of(email),
          false);
      signup("a declared body of " + body.length + " bytes", body, 413, null, email);
    }
    signup(
        "an email of 15000 characters",
        json(
            "{\"email\":\""
                + "e".repeat(15000 - DOMAIN.length())
                + "@"
                + DOMAIN
                + "\",\"name\":\"H\"}"),
        422,
        "email");
    signup(
        "a name of 15000 characters",
        json("{\"email\":\"" + email + "\",\"name\":\"" + "n".repeat(15000) + "\"}"),
        422,
        "name",
        email);
  }

  private void compressedBodies() {
    byte[] bomb =
        gzip(
            ("{\"email\":\"bomb@" + DOMAIN + "\",\"name\":\"" + "A".repeat(10_000_000) + "\"}")
                .getBytes(UTF_8));
    encoded("a gzip bomb of " + bomb.length + " bytes", "gzip", bomb, 413, "bomb@" + DOMAIN);
    byte[] bigBomb = gzip(new byte[50_000_000]);
    encoded(
        "a gzip bomb of " + bigBomb.length + " bytes, over the limit compressed",
        "gzip",
        bigBomb,
        413);
    byte[] zeros = gzip(new byte[10_000_000]);
    encoded("a gzip bomb of NUL bytes", "gzip", zeros, 413);
    String email = "coded@" + DOMAIN;
    byte[] valid = ("{\"email\":\"" + email + "\",\"name\":\"Coded\"}").getBytes(UTF_8);
    byte[] gzipped = gzip(valid);
    byte[] corrupt = gzipped.clone();
    for (int i = 10; i < corrupt.length - 8; i++) {
      corrupt[i] = (byte) 0xff;
    }
    encoded("gzip whose deflate data is garbage", "gzip", corrupt, 400, email);
    encoded("gzip cut in half", "gzip", Arrays.copyOf(gzipped, gzipped.length / 2), 400, email);
    encoded("a gzip header alone", "gzip", Arrays.copyOf(gzipped, 10), 422, email);
    encoded("a plain body labelled gzip", "gzip", valid, 400, email);
    encoded("a deflate body", "deflate", deflate(valid), 415, email);
    encoded("a plain body labelled br", "br", valid, 415, email);
    encoded("a plain body labelled compress", "compress", valid, 415, email);
    encoded("a plain body labelled x-unknown", "x-unknown", valid, 415, email);
    encoded("gzip twice, declared", "gzip, gzip", gzip(gzipped), 415, email);
    encoded("gzip labelled gzip, identity", "gzip, identity", gzipped, 415, email);
  }

  private void controlCharacters() {
    for (int c : CONTROLS) {
      String hex = HexFormat.of().toHexDigits((byte) c);
      String escaped = "\\u00" + hex;
      String local = "ctl-e-" + hex;
      signup(
          "email with U+00" + hex + " escaped",
          json("{\"email\":\"" + local + escaped + "x@" + DOMAIN + "\",\"name\":\"Ctl\"}"),
          422,
          "email",
          local + "x@" + DOMAIN,
          local + "@" + DOMAIN);
      signup(
          "email with U+00" + hex + " raw",
          bytes(
              "{\"email\":\"" + local + "r",
              Character.toString(c).getBytes(UTF_8),
              "x@" + DOMAIN + "\",\"name\":\"Ctl\"}"),
          c < 0x20 ? 400 : 422,
          c < 0x20 ? null : "email",
          local + "rx@" + DOMAIN);
      String named = "ctl-n-" + hex + "@" + DOMAIN;
      signup(
          "name with U+00" + hex + " escaped",
          json("{\"email\":\"" + named + "\",\"name\":\"Ctl" + escaped + "Name\"}"),
          422,
          "name",
          named);
      String rawNamed = "ctl-nr-" + hex + "@" + DOMAIN;
      signup(
          "name with U+00" + hex + " raw",
          bytes(
              "{\"email\":\"" + rawNamed + "\",\"name\":\"Ctl",
              Character.toString(c).getBytes(UTF_8),
              "Name\"}"),
          c < 0x20 ? 400 : 422,
          c < 0x20 ? null : "name",
          rawNamed);
    }
  }

  private void unicodeTricks() {
    for (int c : INVISIBLE) {
      String code = String.format("U+%04X", c);
      String local = "inv-" + Integer.toHexString(c);
      signup(
          "email with " + code,
          json(
              "{\"email\":\""
                  + local
                  + Character.toString(c)
                  + "@"
                  + DOMAIN
                  + "\",\"name\":\"Inv\"}"),
          422,
          "email",
          local + "@" + DOMAIN);
      String named = "inv-n-" + Integer.toHexString(c) + "@" + DOMAIN;
      signup(
          "name with " + code,
          json("{\"email\":\"" + named + "\",\"name\":\"Ada" + Character.toString(c) + "\"}"),
          422,
          "name",
          named);
    }
    String bomNamed = "bom-name@" + DOMAIN;
    signup(
        "name starting with a BOM",
        json("{\"email\":\"" + bomNamed + "\",\"name\":\"\uFEFFAda\"}"),
        422,
        "name",
        bomNamed);
    // Characters that pass for others, and U+01xx whose low byte is an ASCII letter, @, dot,
    // angle bracket, CR or LF: refused as non-ASCII, never narrowed to a byte.
    for (String email :
        List.of(
            "\u0430da@" + DOMAIN,
            "ada@\u04bbostile.example",
            "ada@hostile.ex\u0430mple",
            "ada@h\u03bfstile.example",
            "ada\uff20" + DOMAIN,
            "ada\ufe6b" + DOMAIN,
            "\uff41da@" + DOMAIN,
            "ada@hostile\uff0eexample",
            "ada@hostile\u3002example",
            "ada\u0140" + DOMAIN,
            "ada@hostile\u012eexample",
            "\u0161da@" + DOMAIN,
            "\u013cada@" + DOMAIN + "\u013e",
            "ada@" + DOMAIN + "\u0100",
            "ada@" + DOMAIN + "\u010d\u010aRCPT TO:\u013cevil@" + ATTACKER + "\u013e",
            "ada@" + DOMAIN + "\u0301",
            "\u00dfda@" + DOMAIN,
            "ada@b\u00fccher.example",
            "ADA@HOST\u0130LE.EXAMPLE",
            "ada@\u0445\u043e\u0441\u0442.example")) {
      signup(
          "email " + printable(email),
          json("{\"email\":\"" + email + "\",\"name\":\"Glyph\"}"),
          422,
          "email",
          "ada@" + DOMAIN,
          "evil@" + ATTACKER);
    }
    // Lone surrogates, which only JSON escapes can carry.
    for (String surrogate : List.of("\\uD800", "\\uDBFF", "\\uDC00", "\\uDFFF", "\\uDC00\\uD800")) {
      String named = "lone-" + surrogate.substring(2, 6).toLowerCase() + "@" + DOMAIN;
      signup(
          "name with " + surrogate,
          json("{\"email\":\"" + named + "\",\"name\":\"Ada" + surrogate + "\"}"),
          422,
          "name",
          named);
      signup(
          "email with " + surrogate,
          json("{\"email\":\"lone" + surrogate + "@" + DOMAIN + "\",\"name\":\"Lone\"}"),
          422,
          "email",
          "lone@" + DOMAIN);
    }
    for (byte[] invalid : NOT_UTF8) {
      String hex = HexFormat.of().formatHex(invalid);
      signup(
          "email with bytes " + hex,
          bytes("{\"email\":\"raw-" + hex, invalid, "@" + DOMAIN + "\",\"name\":\"Raw\"}"),
          400,
          null,
          "raw-" + hex + "@" + DOMAIN);
      String named = "raw-n-" + hex + "@" + DOMAIN;
      signup(
          "name with bytes " + hex,
          bytes("{\"email\":\"" + named + "\",\"name\":\"Raw", invalid, "\"}"),
          400,
          null,
          named);
    }
    signup(
        "a key with an overlong slash",
        bytes("{\"em", octets(0xc0, 0xaf), "ail\":\"key@" + DOMAIN + "\",\"name\":\"K\"}"),
        400,
        null,
        "key@" + DOMAIN);
  }

  private void refusedAddressSyntax() {
    String d = DOMAIN;
    List<String> refused =
        new ArrayList<>(
            List.of(
                "\"quoted\"@" + d,
                "\"a b\"@" + d,
                "\"a\\\"b\"@" + d,
                "\"q@x\"@" + d,
                "cmt(comment)@" + d,
                "(comment)cmt@" + d,
                "cmt@(comment)" + d,
                "cmt@" + d + "(comment)",
                "cmt@" + d + " (Ada)",
                "ip@[127.0.0.1]",
                "ip@[IPv6:::1]",
                "ip@[" + d + "]",
                "ip@127.0.0.1",
                "ip@192.168.0.1",
                "ip@0x7f.1",
                "grp: grp@" + d + ";",
                "grp:;",
                "undisclosed-recipients:;",
                "Ada <dn@" + d + ">",
                "<dn@" + d + ">",
                "\"Ada\" <dn@" + d + ">",
                "dn@" + d + " <evil@" + ATTACKER + ">",
                "list1@" + d + ", list2@" + d,
                "list1@" + d + ";list2@" + d,
                "list1@" + d + " list2@" + d,
                "@route.example:route@" + d,
                "mailto:mt@" + d,
                "",
                " ",
                "@",
                "@" + d,
                "local@",
                "local",
                "local@hostile",
                "local@." + d,
                "local@hostile.." + "example",
                "local@" + d + ".",
                ".local@" + d,
                "local.@" + d,
                "lo..cal@" + d,
                "local@@" + d,
                "a@local@" + d,
                "local@-hostile.example",
                "local@hostile-.example",
                "local@hostile_x.example",
                "local@hostile.123",
                "back\\slash@" + d,
                " space@" + d,
                "space@" + d + " ",
                "spa ce@" + d,
                "space@hostile .example",
                "l".repeat(65) + "@" + d,
                "label@" + "l".repeat(64) + ".example",
                "a".repeat(64)
                    + "@"
                    + "b".repeat(63)
                    + "."
                    + "c".repeat(63)
                    + "."
                    + "d".repeat(58)
                    + ".com",
                ("x".repeat(60) + ".").repeat(16) + "@" + d));
    for (String email : refused) {
      signup(
          "address " + abbreviate(email),
          json("{\"email\":" + jsonString(email) + ",\"name\":\"Syntax\"}"),
          422,
          "email",
          "grp@" + d,
          "dn@" + d,
          "list1@" + d,
          "list2@" + d,
          "route@" + d,
          "mt@" + d,
          "local@" + d,
          "evil@" + ATTACKER);
    }
  }

  private void smtpInjection() {
    String evil = "evil@" + ATTACKER;
    for (String email :
        List.of(
            "inj1@" + DOMAIN + ">\r\nRCPT TO:<" + evil,
            "inj2@" + DOMAIN + "\r\nRCPT TO:<" + evil + ">",
            "inj3@" + DOMAIN + "\nRCPT TO:<" + evil + ">",
            "inj4@" + DOMAIN + "\r\nDATA\r\n.\r\n",
            "inj5@" + DOMAIN + "%0d%0aRCPT TO:<" + evil + ">",
            "<inj6@" + DOMAIN + ">,<" + evil + ">",
            "inj7@" + DOMAIN + "\u0000RCPT TO:<" + evil + ">")) {
      String first = email.substring(0, email.indexOf('@') + 1 + DOMAIN.length()).replace("<", "");
      signup(
          "SMTP commands in the address " + printable(email),
          json("{\"email\":" + jsonString(email) + ",\"name\":\"Inj\"}"),
          422,
          "email",
          first,
          evil);
    }
    int n = 0;
    for (String name :
        List.of(
            "Ada\r\n.\r\nMAIL FROM:<" + evil + ">\r\nRCPT TO:<" + evil + ">\r\nDATA\r\nhi\r\n.\r\n",
            "Ada\r\nBcc: " + evil,
            "Ada\nSubject: pwned",
            "Ada\r\n\r\n<html>pwned</html>",
            "\r\n.\r\n",
            "Ada\u0085Bcc: " + evil,
            "Ada\rCc: " + evil)) {
      String email = "inj-name-" + n++ + "@" + DOMAIN;
      signup(
          "SMTP commands in the name " + printable(name),
          json("{\"email\":\"" + email + "\",\"name\":" + jsonString(name) + "}"),
          422,
          "name",
          email,
          evil);
    }
  }

  // ------------------------------------------------- wrong methods and types, operators' paths

  private void wrongTypesAndMethods() {
    int n = 0;
    for (String type :
        List.of(
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/xml",
            "multipart/form-data; boundary=x",
            "application/octet-stream",
            "text/json",
            "application/vnd.api+json",
            "application/json; charset=bogus",
            "application/json; charset=utf-7",
            "")) {
      String email = "ctype-" + n++ + "@" + DOMAIN;
      byte[] valid = ("{\"email\":\"" + email + "\",\"name\":\"Typed\"}").getBytes(UTF_8);
      List<String> headers = type.isEmpty() ? List.of() : List.of("Content-Type: " + type);
      add(
          Endpoint.OTHER_METHOD,
          "POST /signups as '" + type + "'",
          RawHttp.request("POST", "/signups", headers, valid),
          Set.of(415),
          null,
          List.of(email),
          false);
    }
    String accepting = "accept@" + DOMAIN;
    add(
        Endpoint.OTHER_METHOD,
        "POST /signups accepting only XML",
        RawHttp.request(
            "POST",
            "/signups",
            List.of("Content-Type: application/json", "Accept: application/xml"),
            ("{\"email\":\"" + accepting + "\",\"name\":\"Xml\"}").getBytes(UTF_8)),
        Set.of(406),
        null,
        List.of(accepting),
        false);
    String method = "method@" + DOMAIN;
    byte[] valid = ("{\"email\":\"" + method + "\",\"name\":\"Method\"}").getBytes(UTF_8);
    for (String verb : List.of("GET", "PUT", "DELETE", "PATCH")) {
      add(
          Endpoint.OTHER_METHOD,
          verb + " /signups",
          RawHttp.request(verb, "/signups", List.of("Content-Type: application/json"), valid),
          Set.of(405),
          null,
          List.of(method),
          false);
    }
    for (String verb : List.of("HEAD", "TRACE", "SIGNUP")) {
      add(
          Endpoint.OTHER_METHOD,
          verb + " /signups",
          RawHttp.request(verb, "/signups", List.of("Content-Type: application/json"), valid),
          Set.of(405),
          null,
          List.of(method),
          true);
    }
    String confirm = "/signups/confirm?token=" + realToken;
    for (String verb : List.of("PUT", "DELETE", "PATCH")) {
      add(
          Endpoint.OTHER_METHOD,
          verb + " of a genuine link",
          RawHttp.request(
              verb,
              confirm,
              List.of("Content-Type: application/x-www-form-urlencoded"),
              ("token=" + realToken).getBytes(UTF_8)),
          Set.of(405),
          null,
          List.of(),
          false);
    }
    for (String verb : List.of("GET", "PUT", "DELETE")) {
      add(
          Endpoint.OTHER_METHOD,
          verb + " /signups/confirm/renew",
          RawHttp.request(verb, "/signups/confirm/renew?token=" + realToken, List.of(), null),
          Set.of(405),
          null,
          List.of(),
          false);
    }
    add(
        Endpoint.OTHER_METHOD,
        "HEAD /signups/confirm/renew",
        RawHttp.request("HEAD", "/signups/confirm/renew?token=" + realToken, List.of(), null),
        Set.of(405),
        null,
        List.of(),
        true);
    for (String path : List.of("/signups/confirm", "/signups/confirm/renew")) {
      for (String type :
          List.of("application/json", "text/plain", "multipart/form-data; boundary=x", "")) {
        byte[] body =
            type.equals("application/json")
                ? ("{\"token\":\"" + realToken + "\"}").getBytes(UTF_8)
                : type.startsWith("multipart")
                    ? ("--x\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n"
                            + realToken
                            + "\r\n--x--\r\n")
                        .getBytes(UTF_8)
                    : ("token=" + realToken).getBytes(UTF_8);
        add(
            Endpoint.OTHER_METHOD,
            "POST " + path + " as '" + type + "'",
            RawHttp.request(
                "POST", path, type.isEmpty() ? List.of() : List.of("Content-Type: " + type), body),
            Set.of(415),
            null,
            List.of(),
            false);
      }
      add(
          Endpoint.OTHER_METHOD,
          "POST " + path + " as a form in charset bogus",
          RawHttp.request(
              "POST",
              path,
              List.of("Content-Type: application/x-www-form-urlencoded; charset=bogus"),
              ("token=" + realToken).getBytes(UTF_8)),
          Set.of(415),
          null,
          List.of(),
          false);
      add(
          Endpoint.OTHER_METHOD,
          "POST " + path + " as a form labelled br",
          RawHttp.request(
              "POST",
              path,
              List.of("Content-Type: application/x-www-form-urlencoded", "Content-Encoding: br"),
              ("token=" + realToken).getBytes(UTF_8)),
          Set.of(415),
          null,
          List.of(),
          false);
    }
  }

  private void operatorsPaths() {
    String id = realSignupId;
    for (String[] request :
        new String[][] {
          {"GET", "/signups/" + id},
          {"GET", "/signups/" + id + "/"},
          {"GET", "/signups/" + id.toUpperCase()},
          {"GET", "/signups//" + id},
          {"GET", "/signups;x=y/" + id},
          {"GET", "/signups/confirm/../" + id},
          {"GET", "/signups/%2e%2e/signups/" + id},
          {"GET", "/signups%2F" + id},
          {"GET", "/signups?status=AWAITING_CONFIRMATION"},
          {"GET", "/signups?status=DELIVERY_FAILED&pageSize=100"},
          {"POST", "/signups/" + id + "/retry"},
          {"GET", "/healthcheck"},
          {"GET", "/metrics"},
          {"GET", "/ping"},
          {"GET", "/threads"},
          {"GET", "/admin"},
          {"GET", "/admin/healthcheck"},
          {"POST", "/tasks/signup-id?email=ada@" + DOMAIN},
          {"POST", "/tasks/gc"},
          {"POST", "/tasks/log-level?logger=ROOT&level=TRACE"},
          {"GET", "/signups/confirm/" + id},
          {"GET", "/application.wadl"},
          {"GET", "/%3Cscript%3Ealert(1)%3C/script%3E"},
          {"GET", "/../../etc/passwd"},
        }) {
      add(
          Endpoint.OPERATORS,
          request[0] + " " + request[1],
          RawHttp.request(
              request[0], request[1], List.of(), request[0].equals("POST") ? new byte[0] : null),
          Set.of(400, 404, 405),
          null,
          List.of(),
          false);
    }
  }

  // ------------------------------------------------------------- confirmation tokens

  private void mutatedTokens() {
    List<String[]> substituted = new ArrayList<>();
    for (int i = 0; i < realToken.length(); i++) {
      char c = realToken.charAt(i);
      substituted.add(
          new String[] {
            "'" + c + "' at " + i + " changed",
            realToken.substring(0, i) + similar(c) + realToken.substring(i + 1)
          });
    }
    List<String[]> truncated = new ArrayList<>();
    for (int n = 0; n < realToken.length(); n++) {
      truncated.add(new String[] {"cut to " + n + " characters", realToken.substring(0, n)});
    }
    List<String[]> tricks = tricks();
    for (String[] token : concat(substituted, truncated, tricks)) {
      page(Endpoint.CONFIRM_PAGE, token[0], token[1], 400);
    }
    for (String[] token : concat(substituted, tricks)) {
      page(Endpoint.CONFIRM_HEAD, token[0], token[1], 400);
    }
    for (int i = 0; i < truncated.size(); i += 5) {
      page(Endpoint.CONFIRM_HEAD, truncated.get(i)[0], truncated.get(i)[1], 400);
    }
    for (String[] token : concat(substituted, tricks)) {
      form(Endpoint.CONFIRM, token[0], token[1], 400);
      form(Endpoint.RENEW, token[0], token[1], 400);
    }
    for (int i = 0; i < truncated.size(); i += 3) {
      form(Endpoint.CONFIRM, truncated.get(i)[0], truncated.get(i)[1], 400);
      form(Endpoint.RENEW, truncated.get(i)[0], truncated.get(i)[1], 400);
    }
    // Signed with the application's key but never sent, or for a signup that does not exist:
    // only the workflow can tell, and it refuses before anything is written.
    ConfirmationClaim real = tokens.verify(realToken).orElseThrow();
    String neverSent =
        tokens.issue(new ConfirmationClaim(real.signupId(), real.expiresAt(), real.sequence() + 1));
    String sequenceZero = tokens.issue(new ConfirmationClaim(real.signupId(), real.expiresAt(), 0));
    String noSuchSignup =
        tokens.issue(
            new ConfirmationClaim(
                "signup-00000000000000000000000000000000", real.expiresAt(), real.sequence()));
    for (String token : List.of(neverSent, sequenceZero, noSuchSignup)) {
      form(Endpoint.CONFIRM, "signed, never sent: " + token, token, 400);
    }
    form(Endpoint.RENEW, "renew of a signup that does not exist", noSuchSignup, 400);
    String expired =
        tokens.issue(
            new ConfirmationClaim(
                real.signupId(), Instant.now().minusSeconds(3600), real.sequence()));
    page(Endpoint.CONFIRM_PAGE, "signed, expired", expired, 410);
    page(Endpoint.CONFIRM_HEAD, "signed, expired", expired, 410);
    form(Endpoint.CONFIRM, "signed, expired", expired, 410);
    String huge = "A".repeat(20_000);
    add(
        Endpoint.CONFIRM_PAGE,
        "a token of 20000 characters",
        RawHttp.request("GET", "/signups/confirm?token=" + huge, List.of(), null),
        Set.of(414),
        null,
        List.of(),
        false);
    // Jetty refuses a request line over its limit with its error page, HEAD or not, and closes.
    add(
        Endpoint.CONFIRM_HEAD,
        "a token of 20000 characters",
        RawHttp.request("HEAD", "/signups/confirm?token=" + huge, List.of(), null),
        Set.of(414),
        null,
        List.of(),
        false);
    form(Endpoint.CONFIRM, "a token of 20000 characters", huge, 413);
    form(Endpoint.RENEW, "a token of 20000 characters", huge, 413);
    page(Endpoint.CONFIRM_PAGE, "a token of 7000 characters", "A".repeat(7000), 400);
    form(Endpoint.CONFIRM, "a token of 15000 characters", "A".repeat(15000), 400);
    for (String[] query :
        new String[][] {
          {"no token", ""},
          {"an empty token", "?token="},
          {"the parameter in capitals", "?TOKEN=" + realToken},
          {
            "a forged token before the real one",
            "?token=" + flipLast(realToken) + "&token=" + realToken
          },
          {"the token as an array", "?token[]=" + realToken},
          {"the token as a matrix parameter", ";token=" + realToken},
          {"markup for a token", "?token=%3Cscript%3Ealert(1)%3C/script%3E"},
        }) {
      add(
          Endpoint.CONFIRM_PAGE,
          query[0],
          RawHttp.request("GET", "/signups/confirm" + query[1], List.of(), null),
          Set.of(400),
          null,
          List.of(),
          false);
    }
    for (String[] body :
        new String[][] {
          {"no token", ""},
          {"no form at all", "&&&"},
          {"an empty token", "token="},
          {"the parameter in capitals", "TOKEN=" + realToken},
          {
            "a forged token before the real one",
            "token=" + flipLast(realToken) + "&token=" + realToken
          },
          {"malformed percent-encoding", "token=%zz"},
          {"a lone percent", "token=%"},
          {"140 forged tokens", ("token=" + flipLast(realToken) + "&").repeat(140)},
        }) {
      for (Endpoint endpoint : List.of(Endpoint.CONFIRM, Endpoint.RENEW)) {
        add(
            endpoint,
            body[0],
            RawHttp.request(
                "POST",
                endpoint == Endpoint.CONFIRM ? "/signups/confirm" : "/signups/confirm/renew",
                List.of("Content-Type: application/x-www-form-urlencoded"),
                body[1].getBytes(UTF_8)),
            Set.of(400),
            null,
            List.of(),
            false);
      }
    }
    for (byte[] invalid : NOT_UTF8) {
      add(
          Endpoint.CONFIRM,
          "a form with bytes " + HexFormat.of().formatHex(invalid),
          RawHttp.request(
              "POST",
              "/signups/confirm",
              List.of("Content-Type: application/x-www-form-urlencoded"),
              bytes("token=" + realToken, invalid)),
          Set.of(400),
          null,
          List.of(),
          false);
    }
  }

  /** Extensions, case changes and percent-encoding tricks on the genuine token. */
  private List<String[]> tricks() {
    String t = realToken;
    int firstDot = t.indexOf('.');
    int secondDot = t.indexOf('.', firstDot + 1);
    int lastDot = t.lastIndexOf('.');
    List<String[]> tricks = new ArrayList<>();
    for (String suffix : List.of("A", ".", "=", "==", ".0", "%00", "%0d%0a", "%20", "+", t)) {
      tricks.add(new String[] {"extended by " + abbreviate(suffix), t + suffix});
    }
    tricks.add(new String[] {"a space before it", "%20" + t});
    tricks.add(
        new String[] {
          "a leading zero in the expiry",
          t.substring(0, firstDot + 1) + "0" + t.substring(firstDot + 1)
        });
    tricks.add(
        new String[] {
          "a leading zero in the link number",
          t.substring(0, secondDot + 1) + "0" + t.substring(secondDot + 1)
        });
    tricks.add(
        new String[] {
          "a plus sign on the link number",
          t.substring(0, secondDot + 1) + "%2B" + t.substring(secondDot + 1)
        });
    tricks.add(new String[] {"upper case", t.toUpperCase()});
    tricks.add(new String[] {"lower case", t.toLowerCase()});
    tricks.add(new String[] {"case swapped", swapCase(t)});
    tricks.add(new String[] {"dots double-encoded", t.replace(".", "%252E")});
    tricks.add(new String[] {"dots as overlong UTF-8", t.replace(".", "%C0%AE")});
    tricks.add(new String[] {"dots as fullwidth full stops", t.replace(".", "%EF%BC%8E")});
    tricks.add(new String[] {"hyphens as U+2010", t.replace("-", "%E2%80%90")});
    tricks.add(new String[] {"hyphens as plus signs", t.replace("-", "+")});
    tricks.add(new String[] {"NUL inside", t.substring(0, 10) + "%00" + t.substring(10)});
    tricks.add(new String[] {"LF inside", t.substring(0, 10) + "%0A" + t.substring(10)});
    tricks.add(new String[] {"malformed percent-encoding", t + "%zz"});
    tricks.add(new String[] {"a lone percent", t + "%"});
    tricks.add(
        new String[] {
          "the MAC in the standard base64 alphabet",
          t.substring(0, lastDot + 1)
              + t.substring(lastDot + 1).replace("-", "%2B").replace("_", "%2F")
        });
    tricks.add(new String[] {"the same MAC bytes, spelt differently", flipLast(t)});
    tricks.add(
        new String[] {
          "signed with another key",
          new ConfirmationTokens("an-attacker-guess-of-the-key-32-characters")
              .issue(tokens.verify(t).orElseThrow())
        });
    tricks.add(new String[] {"the MAC alone", t.substring(lastDot + 1)});
    tricks.add(new String[] {"the claim alone", t.substring(0, lastDot)});
    tricks.add(new String[] {"markup", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"});
    // A trick that leaves this token as it was (a MAC without '-' or '_') is no trick.
    tricks.removeIf(trick -> trick[1].equals(t));
    return tricks;
  }

  // ------------------------------------------------------------------------- helpers

  private void signup(String what, byte[] body, int status, String field, String... addresses) {
    add(
        Endpoint.SIGNUP,
        what,
        RawHttp.request("POST", "/signups", List.of("Content-Type: application/json"), body),
        Set.of(status),
        field,
        List.of(addresses),
        false);
  }

  private void encoded(String what, String coding, byte[] body, int status, String... addresses) {
    add(
        Endpoint.SIGNUP,
        what,
        RawHttp.request(
            "POST",
            "/signups",
            List.of("Content-Type: application/json", "Content-Encoding: " + coding),
            body),
        Set.of(status),
        null,
        List.of(addresses),
        false);
  }

  private void page(Endpoint endpoint, String what, String token, int status) {
    String method = endpoint == Endpoint.CONFIRM_HEAD ? "HEAD" : "GET";
    add(
        endpoint,
        what,
        RawHttp.request(method, "/signups/confirm?token=" + token, List.of(), null),
        Set.of(status),
        null,
        List.of(),
        endpoint == Endpoint.CONFIRM_HEAD);
  }

  private void form(Endpoint endpoint, String what, String token, int status) {
    add(
        endpoint,
        what,
        RawHttp.request(
            "POST",
            endpoint == Endpoint.CONFIRM ? "/signups/confirm" : "/signups/confirm/renew",
            List.of("Content-Type: application/x-www-form-urlencoded"),
            ("token=" + token).getBytes(UTF_8)),
        Set.of(status),
        null,
        List.of(),
        false);
  }

  private void add(
      Endpoint endpoint,
      String what,
      byte[] request,
      Set<Integer> statuses,
      String field,
      List<String> addresses,
      boolean bodyless) {
    probes.add(new Probe(endpoint, what, request, statuses, field, addresses, bodyless));
  }

  /** A character of the token's alphabet next to {@code c}: the other case, the next digit. */
  private static char similar(char c) {
    if (Character.isUpperCase(c)) {
      return Character.toLowerCase(c);
    }
    if (Character.isLowerCase(c)) {
      return Character.toUpperCase(c);
    }
    if (Character.isDigit(c)) {
      return (char) ('0' + (c - '0' + 1) % 10);
    }
    return switch (c) {
      case '.' -> '_';
      case '-' -> '_';
      case '_' -> '-';
      default -> 'A';
    };
  }

  /**
   * The token with its last character changed only in the two bits that base64 of 32 bytes leaves
   * unused: the same MAC bytes, another spelling.
   */
  private static String flipLast(String token) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = token.charAt(token.length() - 1);
    char spelt = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    return token.substring(0, token.length() - 1) + spelt;
  }

  private static String swapCase(String s) {
    StringBuilder swapped = new StringBuilder();
    for (char c : s.toCharArray()) {
      swapped.append(
          Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return swapped.toString();
  }

  @SafeVarargs
  private static List<String[]> concat(List<String[]>... lists) {
    List<String[]> all = new ArrayList<>();
    for (List<String[]> list : lists) {
      all.addAll(list);
    }
    return all;
  }

  /** A JSON string literal of {@code s}, with quotes, backslashes and controls escaped. */
  static String jsonString(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static byte[] json(String body) {
    return body.getBytes(UTF_8);
  }

  static byte[] octets(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  /** Concatenates strings (as UTF-8) and byte arrays. */
  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      out.writeBytes(part instanceof byte[] raw ? raw : part.toString().getBytes(UTF_8));
    }
    return out.toByteArray();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflate = new DeflaterOutputStream(out)) {
      deflate.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code s} with every character outside printable ASCII as {@code U+XXXX}. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .forEach(
            c -> {
              if (c >= 0x20 && c < 0x7f) {
                out.appendCodePoint(c);
              } else {
                out.append(String.format("<U+%04X>", c));
              }
            });
    return out.toString();
  }

  static String abbreviate(String s) {
    String printable = printable(s);
    return printable.length() <= 60 ? printable : printable.substring(0, 57) + "...";
  }
}
