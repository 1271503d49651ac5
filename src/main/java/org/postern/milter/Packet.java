package org.postern.milter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One milter protocol packet: a command or reply letter and its data. {@link Reader} takes the
 * data apart as the protocol lays it out (32-bit integers in network order, NUL-terminated
 * strings, the rest as raw bytes); {@link Builder} puts it together.
 *
 * <p>Failure: a {@link Reader} that runs out of data, or finds a string without its NUL, throws
 * {@link MilterProtocolException}: the packet was truncated or malformed.
 */
record Packet(char command, byte[] data) {

  Reader reader() {
    return new Reader(this);
  }

  /** Sequential access to a packet's data. */
  static final class Reader {
    private final Packet packet;
    private final ByteBuffer data;

    Reader(Packet packet) {
      this.packet = packet;
      this.data = ByteBuffer.wrap(packet.data);
    }

    int int32() throws MilterProtocolException {
      if (data.remaining() < 4) {
        throw new MilterProtocolException("packet '" + packet.command
            + "' too short for network long");
      }
      return data.getInt();
    }

    String string() throws MilterProtocolException {
      int start = data.position();
      for (int i = start; i < data.limit(); i++) {
        if (data.get(i) == 0) {
          data.position(i + 1);
          return new String(packet.data, start, i - start, StandardCharsets.UTF_8);
        }
      }
      throw new MilterProtocolException("packet '" + packet.command
          + "' too short for string");
    }

    boolean hasMore() {
      return data.hasRemaining();
    }

    /** Everything left, as raw bytes. */
    byte[] rest() {
      byte[] out = new byte[data.remaining()];
      data.get(out);
      return out;
    }

    /** The packet must end here. */
    void end() throws MilterProtocolException {
      if (data.hasRemaining()) {
        throw new MilterProtocolException("reply '" + packet.command + "' was followed by "
            + data.remaining() + " data bytes");
      }
    }
  }

  /** Packet data under construction. */
  static final class Builder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Builder int32(int value) {
      out.write(value >>> 24);
      out.write(value >>> 16);
      out.write(value >>> 8);
      out.write(value);
      return this;
    }

    Builder int16(int value) {
      out.write(value >>> 8);
      out.write(value);
      return this;
    }

    Builder octet(char value) {
      out.write(value);
      return this;
    }

    Builder string(String value) {
      out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
      out.write(0);
      return this;
    }

    Builder strings(List<String> values) {
      values.forEach(this::string);
      return this;
    }

    Builder bytes(byte[] value, int offset, int length) {
      out.write(value, offset, length);
      return this;
    }

    byte[] build() {
      return out.toByteArray();
    }
  }

  /** Splits NUL-separated strings (the SETSYMLIST and argument lists). */
  static List<String> strings(Reader reader) throws MilterProtocolException {
    List<String> out = new ArrayList<>();
    while (reader.hasMore()) {
      out.add(reader.string());
    }
    return out;
  }
}
