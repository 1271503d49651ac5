package org.postern.cleanup;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds the processed content until commit, because the envelope records, which come first in
 * the queue file, depend on what the headers say (Require-TLS-ESMTP, SMTPUTF8, FILTER,
 * REDIRECT). Small messages stay in memory; past {@code memoryLimit} bytes the content moves to a
 * file in the queue's tmp/ directory, so memory stays bounded for any message size.
 *
 * <p>Failure: I/O errors propagate; {@link #delete} removes the spill file, also after an error.
 */
final class ContentSpool extends OutputStream {
  private final Path directory;
  private final int memoryLimit;
  private ByteArrayOutputStream memory = new ByteArrayOutputStream();
  private Path file;
  private OutputStream fileOut;
  private long size;

  ContentSpool(Path directory, int memoryLimit) {
    this.directory = directory;
    this.memoryLimit = memoryLimit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] data, int offset, int length) throws IOException {
    if (fileOut == null && memory.size() + length > memoryLimit) {
      spill();
    }
    if (fileOut != null) {
      fileOut.write(data, offset, length);
    } else {
      memory.write(data, offset, length);
    }
    size += length;
  }

  /** Bytes written so far. */
  long size() {
    return size;
  }

  private void spill() throws IOException {
    Files.createDirectories(directory);
    file = Files.createTempFile(directory, "c", null);
    fileOut = new BufferedOutputStream(Files.newOutputStream(file), 65536);
    memory.writeTo(fileOut);
    memory = null;
  }

  /** Copies everything written to {@code out}. */
  void copyTo(OutputStream out) throws IOException {
    if (fileOut == null) {
      memory.writeTo(out);
      return;
    }
    fileOut.flush();
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(out);
    }
  }

  /** Reads everything written so far, from the start (milters read the content back). */
  InputStream open() throws IOException {
    if (fileOut == null) {
      return new java.io.ByteArrayInputStream(memory.toByteArray());
    }
    fileOut.flush();
    return new java.io.BufferedInputStream(Files.newInputStream(file), 65536);
  }

  /** Forgets the content and removes the spill file, if any. */
  void delete() throws IOException {
    memory = null;
    try {
      if (fileOut != null) {
        fileOut.close();
      }
    } finally {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    }
  }
}
