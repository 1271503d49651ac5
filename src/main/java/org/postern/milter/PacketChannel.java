package org.postern.milter;

import java.io.IOException;
import java.time.Duration;

/**
 * Milter packets over one {@link Transport}: a 32-bit length in network byte order (counting the
 * command letter), the letter, the data.
 *
 * <p>Failure: a length below 1 or above {@link #MAX_PACKET} is {@link MilterProtocolException}
 * before any data is read, so a hostile length never allocates memory; a short read is
 * EOFException, a slow milter SocketTimeoutException.
 */
final class PacketChannel implements AutoCloseable {
  /**
   * The largest packet taken from a milter: libmilter's largest body chunk (1 MB with
   * SMFIP_MDS_1M) with room for its header. Postfix allows INT_MAX/2; a smaller bound keeps a
   * hostile length from costing memory.
   */
  static final int MAX_PACKET = 2 * 1024 * 1024;

  private final Transport transport;

  PacketChannel(Transport transport) {
    this.transport = transport;
  }

  void timeout(Duration timeout) throws IOException {
    transport.timeout(timeout);
  }

  void write(char command, byte[] data) throws IOException {
    byte[] packet = new byte[5 + data.length];
    int length = data.length + 1;
    packet[0] = (byte) (length >>> 24);
    packet[1] = (byte) (length >>> 16);
    packet[2] = (byte) (length >>> 8);
    packet[3] = (byte) length;
    packet[4] = (byte) command;
    System.arraycopy(data, 0, packet, 5, data.length);
    transport.write(packet);
  }

  Packet read() throws IOException {
    byte[] header = new byte[5];
    transport.readFully(header, 0, 4);
    long length = ((header[0] & 0xffL) << 24) | ((header[1] & 0xff) << 16)
        | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    if (length < 1) {
      throw new MilterProtocolException("bad packet length: " + length);
    }
    if (length > MAX_PACKET) {
      throw new MilterProtocolException("unreasonable packet length: " + length + " > "
          + MAX_PACKET);
    }
    transport.readFully(header, 4, 1);
    byte[] data = new byte[(int) length - 1];
    transport.readFully(data, 0, data.length);
    return new Packet((char) (header[4] & 0xff), data);
  }

  @Override
  public void close() {
    transport.close();
  }
}
