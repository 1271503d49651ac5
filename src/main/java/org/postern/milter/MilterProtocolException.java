package org.postern.milter;

import java.io.IOException;

/** A milter broke the protocol: bad length, truncated or malformed packet, unexpected reply. */
final class MilterProtocolException extends IOException {
  MilterProtocolException(String message) {
    super(message);
  }
}
