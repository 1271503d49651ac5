package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounds of the SMTP client's reply reader against a hostile server: only RFC 5321 reply
 * codes, and no line or stage that a server can stretch forever.
 */
class HostileServerRepliesBoundsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private HostileServerRepliesTest.RawServer server;
  private SmtpConnection connection;

  @AfterEach
  void close() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void serve(HostileServerRepliesTest.RawServer.Script script) throws Exception {
    server = HostileServerRepliesTest.RawServer.writing(script);
    connection = SmtpConnection.connect(server.address(), TIMEOUT);
  }

  @Test
  void read_nonAsciiDigitsAsCode_isMalformed() throws Exception {
    // U+0662 U+0665 U+0660: Arabic-Indic "250", which Character.isDigit and Integer.parseInt accept.
    serve(out -> out.write("\u0662\u0665\u0660 ok\r\n".getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> connection.read(TIMEOUT)).isInstanceOf(IOException.class);
  }

  @Test
  void read_codeOutsideTheReplyClasses_isMalformed() throws Exception {
    // A 1xx or 6xx code would become DSN status "1.0.0" or "6.0.0" for the recipient.
    serve(out -> out.write("199 almost\r\n".getBytes(StandardCharsets.US_ASCII)));

    assertThatThrownBy(() -> connection.read(TIMEOUT)).isInstanceOf(IOException.class);
  }

  @Test
  void read_endlessLineWithoutLineFeed_failsAfterABoundedLength() throws Exception {
    byte[] junk = new byte[8192];
    Arrays.fill(junk, (byte) 'x');
    serve(out -> {
      out.write("250 ".getBytes(StandardCharsets.US_ASCII));
      while (true) {
        out.write(junk);
      }
    });

    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> connection.read(TIMEOUT)).isInstanceOf(IOException.class));
  }

  @Test
  void read_serverDrippingBytesPastTheStageTimeout_timesOut() throws Exception {
    serve(out -> {
      out.write("250-".getBytes(StandardCharsets.US_ASCII));
      while (true) {
        out.write('x');
        out.flush();
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
      }
    });

    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> connection.read(Duration.ofSeconds(1)))
            .isInstanceOf(java.net.SocketTimeoutException.class));
  }
}
