package org.postern.cleanup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns content lines into logical headers and body lines, as a stream. The primary header ends
 * at the first line that is neither a header ({@code name:}) nor a continuation (leading white
 * space after a header); that line and everything after it is body, and when it is not the
 * empty line that should end a header, the handler hears of it first. A logical header longer than
 * {@code header_size_limit} is cut there and the excess dropped, as Postfix does; body lines pass
 * through piece by piece. MIME parts are not parsed: nested headers are body to this parser.
 *
 * <p>Failure: none of its own; what the handler throws propagates.
 */
final class HeaderParser implements ContentLines.Sink {
  /** Receives the parsed message. */
  interface Handler {
    void header(Header header) throws IOException;

    /** The primary header is complete (called once, also for a message without body). */
    void headerEnd() throws IOException;

    /**
     * The primary header ended at {@code line}, which is neither empty nor a header: called
     * after {@link #headerEnd}, before that line goes to {@link #body}.
     */
    void nonEmptyEndOfHeader(byte[] line, int length) throws IOException;

    void body(byte[] data, int length, boolean complete) throws IOException;
  }

  private static final byte[] LF = {'\n'};

  private final Handler handler;
  private final int headerSizeLimit;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private String pendingName;
  private boolean inHeader = true;
  private boolean lineStart = true;
  private boolean continuingHeader;

  HeaderParser(int headerSizeLimit, Handler handler) {
    this.handler = handler;
    this.headerSizeLimit = headerSizeLimit;
  }

  @Override
  public void line(byte[] data, int length, boolean complete) throws IOException {
    if (!inHeader) {
      handler.body(data, length, complete);
      return;
    }
    if (!lineStart) {
      // a later piece of a long line: it belongs where its first piece went
      if (continuingHeader) {
        append(data, 0, length);
      } else {
        handler.body(data, length, complete);
      }
      lineStart = complete;
      return;
    }
    lineStart = complete;
    boolean continuation = length > 0 && (data[0] == ' ' || data[0] == '\t');
    if (continuation && pendingName != null) {
      append(LF, 0, 1);
      append(data, 0, length);
      continuingHeader = true;
      return;
    }
    int nameLength = Header.nameLength(data, length);
    if (nameLength > 0) {
      flush();
      pendingName = new String(data, 0, nameLength, StandardCharsets.US_ASCII);
      append(data, 0, length);
      continuingHeader = true;
      return;
    }
    endHeader();
    continuingHeader = false;
    if (length > 0) {
      handler.nonEmptyEndOfHeader(data, length);
    }
    handler.body(data, length, complete);
  }

  /** Ends the content: completes a header still pending and reports the end of the header. */
  void finish() throws IOException {
    if (inHeader) {
      endHeader();
    }
  }

  private void endHeader() throws IOException {
    flush();
    inHeader = false;
    handler.headerEnd();
  }

  private void append(byte[] data, int offset, int length) {
    int room = headerSizeLimit - pending.size();
    if (room > 0) {
      pending.write(data, offset, Math.min(room, length));
    }
  }

  private void flush() throws IOException {
    if (pendingName != null) {
      Header h = new Header(pendingName, pending.toByteArray());
      pending.reset();
      pendingName = null;
      handler.header(h);
    }
  }
}
