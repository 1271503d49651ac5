package org.postern.milter;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * The message content as the milters see it at end of data: the headers (without the MTA's own
 * first Received: header, which Postfix never shows) and a way to read the body.
 *
 * <p>Header values are as received after the colon (leading white space included, continuation
 * lines joined with LF); the body is read with LF line ends and sent with CRLF.
 */
public record MilterMessage(List<Header> headers, BodySource body) {
  public MilterMessage {
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** One header: its name and the text after the colon. */
  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Opens the body from its start; may be called once per milter. */
  @FunctionalInterface
  public interface BodySource {
    InputStream open() throws IOException;
  }
}
