package org.postern.mtasts;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 response (RFC 9112) read from a server that may be hostile: the status, the header
 * fields (names lower-cased) and, for a {@code 200}, the body framed by {@code Content-Length},
 * {@code chunked} transfer coding or the end of the connection.
 *
 * <p>Limits: 8 KiB per line, 100 header fields, {@code maxBody} bytes of body however it is
 * framed; folded header lines, conflicting or malformed framing headers and transfer codings
 * other than {@code chunked} are refused rather than guessed at.
 *
 * <p>Failure: {@link PolicyException} for a response that breaks these rules, {@link IOException}
 * (including {@link EOFException} for a truncated body) from the stream.
 */
record HttpResponse(int status, Map<String, String> headers, byte[] body) {
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_FIELDS = 100;
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([0-9]{3})(?: .*)?");
  private static final Pattern FIELD =
      Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final Pattern CHUNK_SIZE = Pattern.compile("([0-9A-Fa-f]{1,8})[ \t]*(?:;.*)?");

  HttpResponse {
    headers = Map.copyOf(headers);
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Reads one response; the body only for status 200, at most {@code maxBody} bytes. */
  static HttpResponse read(InputStream in, int maxBody) throws IOException, PolicyException {
    Matcher status = STATUS_LINE.matcher(line(in));
    if (!status.matches()) {
      throw new PolicyException("malformed HTTP status line");
    }
    int code = Integer.parseInt(status.group(1));
    Map<String, String> headers = fields(in);
    if (code != 200) {
      return new HttpResponse(code, headers, new byte[0]);
    }
    return new HttpResponse(code, headers, body(in, headers, maxBody));
  }

  private static Map<String, String> fields(InputStream in) throws IOException, PolicyException {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int n = 0; ; n++) {
      String line = line(in);
      if (line.isEmpty()) {
        return headers;
      }
      if (n >= MAX_FIELDS) {
        throw new PolicyException("more than " + MAX_FIELDS + " HTTP header fields");
      }
      Matcher m = FIELD.matcher(line);
      if (!m.matches()) {
        throw new PolicyException("malformed HTTP header field");
      }
      String name = m.group(1).toLowerCase(Locale.ROOT);
      String old = headers.putIfAbsent(name, m.group(2));
      if (old != null && !old.equals(m.group(2))
          && (name.equals("content-length") || name.equals("transfer-encoding"))) {
        throw new PolicyException("conflicting HTTP " + name + " fields");
      }
    }
  }

  private static byte[] body(InputStream in, Map<String, String> headers, int max)
      throws IOException, PolicyException {
    String coding = headers.get("transfer-encoding");
    String length = headers.get("content-length");
    if (coding != null) {
      if (length != null || !coding.equalsIgnoreCase("chunked")) {
        throw new PolicyException("unsupported HTTP transfer-encoding: " + coding);
      }
      return chunked(in, max);
    }
    if (length != null) {
      if (!DIGITS.matcher(length).matches()) {
        throw new PolicyException("malformed HTTP content-length");
      }
      long n = Long.parseLong(length);
      if (n > max) {
        throw new PolicyException("HTTP body larger than " + max + " bytes");
      }
      return exactly(in, (int) n);
    }
    return toEnd(in, max);
  }

  private static byte[] chunked(InputStream in, int max) throws IOException, PolicyException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      Matcher m = CHUNK_SIZE.matcher(line(in));
      if (!m.matches()) {
        throw new PolicyException("malformed HTTP chunk size");
      }
      long size = Long.parseLong(m.group(1), 16);
      if (size == 0) {
        fields(in); // trailer fields, read and dropped
        return out.toByteArray();
      }
      if (out.size() + size > max) {
        throw new PolicyException("HTTP body larger than " + max + " bytes");
      }
      out.write(exactly(in, (int) size));
      if (!line(in).isEmpty()) {
        throw new PolicyException("HTTP chunk longer than its size");
      }
    }
  }

  private static byte[] exactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException("HTTP body ended after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  /** A body delimited by the end of the connection; more than {@code max} bytes is an error. */
  private static byte[] toEnd(InputStream in, int max) throws IOException, PolicyException {
    byte[] b = in.readNBytes(max + 1);
    if (b.length > max) {
      throw new PolicyException("HTTP body larger than " + max + " bytes");
    }
    return b;
  }

  /** A line ended by LF (a CR before it dropped), bytes as ISO-8859-1; EOF before LF is an error. */
  private static String line(InputStream in) throws IOException, PolicyException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new EOFException("HTTP response ended inside a line");
      }
      if (sb.length() >= MAX_LINE) {
        throw new PolicyException("HTTP line longer than " + MAX_LINE + " bytes");
      }
      sb.append((char) c);
    }
    int end = sb.length();
    if (end > 0 && sb.charAt(end - 1) == '\r') {
      sb.setLength(end - 1);
    }
    return sb.toString();
  }
}
