package org.postern.table;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code cdb:/path/file}: reads {@code /path/file.cdb}, D. J. Bernstein's constant database, as
 * Postfix's postmap writes it (keys folded to lower case, no terminating NUL by default). Lookups
 * try the key with a terminating NUL and then without, so files built with {@code postmap -N}
 * read as well. The file is memory-mapped once; a rebuilt table (a new file renamed over the old)
 * is seen when the table is opened again.
 *
 * <p>Failure: a missing or truncated file is a {@link TableException} naming the file.
 */
final class CdbTable extends TableBase {
  private static final int HEADER = 2048;

  private final Path file;
  private final ByteBuffer data;

  CdbTable(String spec, Path file) throws TableException {
    super(spec, MatchStyle.FIXED);
    this.file = file;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() < HEADER || channel.size() > 0xffffffffL) {
        throw new TableException("open database " + file + ": not a cdb file");
      }
      this.data =
          channel
              .map(FileChannel.MapMode.READ_ONLY, 0, channel.size())
              .order(ByteOrder.LITTLE_ENDIAN);
    } catch (NoSuchFileException e) {
      throw new TableException("open database " + file + ": No such file or directory", e);
    } catch (IOException e) {
      throw new TableException("open database " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    byte[] k = MapTable.fold(key).getBytes(StandardCharsets.UTF_8);
    byte[] withNul = Arrays.copyOf(k, k.length + 1);
    byte[] value = get(withNul);
    if (value == null) {
      value = get(k);
    }
    return value == null ? Optional.empty() : Optional.of(Nul.strip(value));
  }

  private byte[] get(byte[] key) throws TableException {
    try {
      int h = CdbWriter.hash(key);
      int slot = (h & 0xff) * 8;
      long tablePos = u32(slot);
      long slots = u32(slot + 4);
      if (slots == 0) {
        return null;
      }
      long start = Integer.toUnsignedLong(h >>> 8) % slots;
      for (long n = 0; n < slots; n++) {
        long at = tablePos + ((start + n) % slots) * 8;
        int hash = data.getInt(index(at));
        long recordPos = u32(index(at + 4));
        if (recordPos == 0) {
          return null;
        }
        if (hash == h) {
          byte[] found = record(recordPos, key);
          if (found != null) {
            return found;
          }
        }
      }
      return null;
    } catch (IndexOutOfBoundsException e) {
      throw failure("corrupt cdb file " + file, e);
    }
  }

  /** The data of the record at {@code pos} when its key equals {@code key}, else null. */
  private byte[] record(long pos, byte[] key) {
    int p = index(pos);
    int keyLength = index(u32(p));
    int dataLength = index(u32(p + 4));
    if (keyLength != key.length) {
      return null;
    }
    byte[] k = new byte[keyLength];
    data.get(p + 8, k);
    if (!Arrays.equals(k, key)) {
      return null;
    }
    byte[] d = new byte[dataLength];
    data.get(p + 8 + keyLength, d);
    return d;
  }

  @Override
  public List<TableEntry> entries() throws TableException {
    List<TableEntry> entries = new ArrayList<>();
    try {
      long end = u32(0);
      for (long p = HEADER; p < end; ) {
        int keyLength = index(u32(index(p)));
        int dataLength = index(u32(index(p + 4)));
        byte[] k = new byte[keyLength];
        byte[] d = new byte[dataLength];
        data.get(index(p + 8), k);
        data.get(index(p + 8 + keyLength), d);
        entries.add(new TableEntry(Nul.strip(k), Nul.strip(d)));
        p += 8L + keyLength + dataLength;
      }
    } catch (IndexOutOfBoundsException e) {
      throw failure("corrupt cdb file " + file, e);
    }
    return entries;
  }

  private long u32(int at) {
    return Integer.toUnsignedLong(data.getInt(at));
  }

  private long u32(long at) {
    return u32(index(at));
  }

  private static int index(long value) {
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new IndexOutOfBoundsException("offset " + value);
    }
    return (int) value;
  }
}
