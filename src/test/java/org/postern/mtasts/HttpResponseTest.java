package org.postern.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseTest {
  private static final int MAX = 64 * 1024;

  private static HttpResponse read(String raw) throws Exception {
    return HttpResponse.read(
        new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), MAX);
  }

  private static String body(HttpResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void read_contentLength_exactBody() throws Exception {
    HttpResponse r = read("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
        + "\r\nhelloEXTRA");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).contains("text/plain");
    assertThat(body(r)).isEqualTo("hello");
  }

  @Test
  void read_chunkedWithExtensionAndTrailer_joined() throws Exception {
    HttpResponse r = read("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n"
        + "4;ext=1\r\nvers\r\nA\r\nion: STSv1\r\n0\r\nX-Trailer: y\r\n\r\n");

    assertThat(body(r)).isEqualTo("version: STSv1");
  }

  @Test
  void read_closeDelimited_toEnd() throws Exception {
    assertThat(body(read("HTTP/1.0 200 OK\r\n\r\nmode: none\n"))).isEqualTo("mode: none\n");
  }

  @Test
  void read_notOk_statusWithoutBody() throws Exception {
    HttpResponse r = read("HTTP/1.1 301 Moved\r\nLocation: https://evil/\r\n\r\n"
        + "x".repeat(MAX * 2));

    assertThat(r.status()).isEqualTo(301);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void read_oversizedBodies_refusedHoweverFramed() {
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 65537\r\n\r\n"))
        .isInstanceOf(PolicyException.class).hasMessageContaining("larger than 65536");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(MAX + 1)))
        .hasMessageContaining("larger than 65536");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + ("8000\r\n" + "x".repeat(0x8000) + "\r\n").repeat(2) + "1\r\nx\r\n0\r\n\r\n"))
        .hasMessageContaining("larger than 65536");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "ffffffff\r\n")).hasMessageContaining("larger than 65536");
  }

  @Test
  void read_hostileFraming_refused() {
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6"
        + "\r\n\r\nhello!")).hasMessageContaining("conflicting HTTP content-length");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n")).hasMessageContaining("transfer-encoding");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"))
        .hasMessageContaining("unsupported HTTP transfer-encoding");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"))
        .hasMessageContaining("malformed HTTP content-length");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "zz\r\n")).hasMessageContaining("malformed HTTP chunk size");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "2\r\nabc\r\n0\r\n\r\n")).hasMessageContaining("chunk longer");
  }

  @Test
  void read_malformedHead_refused() {
    assertThatThrownBy(() -> read("SSH-2.0-OpenSSH\r\n\r\n"))
        .hasMessageContaining("malformed HTTP status line");
    assertThatThrownBy(() -> read("HTTP/2 200\r\n\r\n"))
        .hasMessageContaining("malformed HTTP status line");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n folded: line\r\n\r\n"))
        .hasMessageContaining("malformed HTTP header field");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n"))
        .hasMessageContaining("longer than 8192");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n" + "X-A: b\r\n".repeat(101) + "\r\n"))
        .hasMessageContaining("more than 100 HTTP header fields");
  }

  @Test
  void read_truncated_eof() {
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Ty"))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void policyText_onlyOkTextPlainUtf8() throws Exception {
    String host = "mta-sts.example.com";
    assertThat(PolicyFetcher.policyText(read("HTTP/1.1 200 OK\r\nContent-Type: Text/Plain; "
        + "charset=utf-8\r\nContent-Length: 3\r\n\r\nabc"), host)).isEqualTo("abc");
    assertThatThrownBy(() -> PolicyFetcher.policyText(read("HTTP/1.1 302 Found\r\n\r\n"), host))
        .hasMessageContaining("HTTP status 302 (redirects are not followed)");
    assertThatThrownBy(() -> PolicyFetcher.policyText(read("HTTP/1.1 404 Not Found\r\n\r\n"),
        host)).hasMessageContaining("https://mta-sts.example.com/.well-known/mta-sts.txt: "
            + "HTTP status 404");
    assertThatThrownBy(() -> PolicyFetcher.policyText(read("HTTP/1.1 200 OK\r\n"
        + "Content-Type: text/html\r\n\r\n<p>"), host)).hasMessageContaining("text/html");
    assertThatThrownBy(() -> PolicyFetcher.policyText(read("HTTP/1.1 200 OK\r\n"
        + "Content-Type: text/plain\r\n\r\n\u00ff\u00fe"), host)).hasMessageContaining("UTF-8");
  }
}
