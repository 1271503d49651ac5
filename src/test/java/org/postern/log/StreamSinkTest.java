package org.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class StreamSinkTest {
  private static final ZonedDateTime NOW =
      ZonedDateTime.of(2025, 3, 9, 4, 5, 7, 0, ZoneId.of("UTC"));

  private static LogRecord record(String text) {
    return new LogRecord(NOW, "mail", "postern/master", 9, Severity.INFO, text);
  }

  @Test
  void write_outputFails_announcedOnceThenEveryRecordOnStderr() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
          }
        };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StreamSink sink =
        new StreamSink(
            broken, new StderrFallback(new PrintStream(err, true, StandardCharsets.UTF_8)));

    sink.write(record("one"));
    sink.write(record("two"));

    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "Mar 09 04:05:07 mail postern/master[9]: warning: cannot write to standard output:"
                + " Broken pipe; logging to standard error instead",
            "Mar 09 04:05:07 mail postern/master[9]: one",
            "Mar 09 04:05:07 mail postern/master[9]: two");
  }
}
