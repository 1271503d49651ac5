package org.postern.table;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a constant database (cdb): a 256-slot header of (position, length) pairs, the records
 * (key length, data length, key, data; little-endian), then 256 open-addressing hash tables of
 * (hash, record position) slots, each twice as long as the number of its records. It writes
 * into the temporary file that {@link AtomicFile} renames over the target, and forces it to disk.
 *
 * <p>Failure: a table past the format's 4 GB limit is a {@link TableException} naming the file;
 * I/O errors pass to {@link AtomicFile}, which names the file and removes the temporary one.
 */
final class CdbWriter {
  private CdbWriter() {}

  /** The cdb hash: h = 5381, then h = ((h << 5) + h) ^ byte, in 32 bits. */
  static int hash(byte[] key) {
    int h = 5381;
    for (byte b : key) {
      h = ((h << 5) + h) ^ (b & 0xff);
    }
    return h;
  }

  private record Slot(int hash, long position) {}

  /** Writes the table into {@code temp}; {@code database} names the target in errors. */
  static void write(Path temp, List<TableEntry> entries, boolean nulTerminated, Path database)
      throws IOException, TableException {
    try (FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      writeTo(channel, entries, nulTerminated, database);
      channel.force(true);
    }
  }

  private static void writeTo(
      FileChannel channel, List<TableEntry> entries, boolean nul, Path database)
      throws IOException, TableException {
    List<List<Slot>> tables = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      tables.add(new ArrayList<>());
    }
    channel.position(2048);
    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    long pos = 2048;
    for (TableEntry e : entries) {
      byte[] k = Nul.bytes(e.key(), nul);
      byte[] d = Nul.bytes(e.value(), nul);
      int h = hash(k);
      tables.get(h & 0xff).add(new Slot(h, pos));
      out.write(le(k.length));
      out.write(le(d.length));
      out.write(k);
      out.write(d);
      pos = checked(pos + 8L + k.length + d.length, database);
    }
    ByteBuffer header = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);
    for (List<Slot> table : tables) {
      int length = table.size() * 2;
      header.putInt((int) pos).putInt(length);
      Slot[] slots = new Slot[length];
      for (Slot s : table) {
        int at = Integer.remainderUnsigned(s.hash() >>> 8, length);
        while (slots[at] != null) {
          at = (at + 1) % length;
        }
        slots[at] = s;
      }
      for (Slot s : slots) {
        out.write(le(s == null ? 0 : s.hash()));
        out.write(le(s == null ? 0 : (int) s.position()));
      }
      pos = checked(pos + 8L * length, database);
    }
    out.flush();
    header.flip();
    while (header.hasRemaining()) {
      channel.write(header, header.position());
    }
  }

  private static long checked(long pos, Path database) throws TableException {
    if (pos > 0xffffffffL) {
      throw new TableException("write " + database + ": table too large for the cdb format");
    }
    return pos;
  }

  private static byte[] le(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }
}
