package org.postern.local;

import java.io.IOException;
import java.io.OutputStream;

/** Writes one formatted copy of the message into a mailbox, a file or a command's input. */
@FunctionalInterface
interface MessageWriter {
  void writeTo(OutputStream out) throws IOException;
}
