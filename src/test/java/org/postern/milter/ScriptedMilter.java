package org.postern.milter;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A milter that follows a script, on a unix-domain socket: it records every packet the MTA sends
 * and answers with the raw bytes the script gives (so tests can send malformed frames too).
 * OPTNEG gets the configured negotiation reply, macros and abort get nothing, quit ends the
 * connection; every other event goes to the script.
 */
public final class ScriptedMilter implements AutoCloseable {
  private final Path socket;
  private final ServerSocketChannel server;
  private final Thread thread;
  private final List<Packet> received = new CopyOnWriteArrayList<>();
  private final Function<Packet, byte[]> script;
  private final byte[] negotiation;

  ScriptedMilter(Path dir, byte[] negotiation, Function<Packet, byte[]> script) throws IOException {
    this.socket = dir.resolve("milter-" + System.nanoTime() + ".sock");
    this.negotiation = negotiation;
    this.script = script;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    this.thread = Thread.ofVirtual().start(this::serve);
  }

  /** A milter scripted by the command letter only, for tests outside this package. */
  public static ScriptedMilter byCommand(Path dir, byte[] negotiation,
      Function<Character, byte[]> script) throws IOException {
    return new ScriptedMilter(dir, negotiation, p -> script.apply(p.command()));
  }

  /** An SMFIR_INSHEADER or SMFIR_CHGHEADER frame. */
  public static byte[] indexed(char command, int index, String name, String value) {
    return frame(command, new Packet.Builder().int32(index).string(name).string(value).build());
  }

  /** Version 6, all actions, the given protocol flags, optional SETSYMLIST entries. */
  public static byte[] optneg(int version, int events, Object... symlists) {
    Packet.Builder b = new Packet.Builder().int32(version).int32(0x1ff).int32(events);
    for (int i = 0; i < symlists.length; i += 2) {
      b.int32((Integer) symlists[i]).string((String) symlists[i + 1]);
    }
    return frame('O', b.build());
  }

  public static byte[] frame(char command, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int length = data.length + 1;
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    out.write(command);
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static final java.util.Set<byte[]> HANGUPS =
      java.util.Collections.synchronizedSet(
          java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

  /** An answer after which the milter hangs up (a truncated packet, a lost connection). */
  public static byte[] thenHangUp(byte[] bytes) {
    HANGUPS.add(bytes);
    return bytes;
  }

  public static byte[] reply(char command) {
    return frame(command, new byte[0]);
  }

  public static byte[] strings(char command, String... values) {
    Packet.Builder b = new Packet.Builder();
    for (String v : values) {
      b.string(v);
    }
    return frame(command, b.build());
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  public String name() {
    return "unix:" + socket;
  }

  List<Packet> received() {
    return received;
  }

  /** The commands received, as a string of letters. */
  public String commands() {
    StringBuilder b = new StringBuilder();
    received.forEach(p -> b.append(p.command()));
    return b.toString();
  }

  private void serve() {
    try (SocketChannel ch = server.accept()) {
      DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
      OutputStream out = Channels.newOutputStream(ch);
      while (true) {
        int length = in.readInt();
        char command = (char) in.readUnsignedByte();
        byte[] data = new byte[length - 1];
        in.readFully(data);
        Packet p = new Packet(command, data);
        received.add(p);
        byte[] answer = switch (command) {
          case 'O' -> negotiation;
          case 'D', 'A' -> new byte[0];
          case 'Q' -> null;
          default -> script.apply(p);
        };
        if (answer == null) {
          return;
        }
        out.write(answer);
        out.flush();
        if (HANGUPS.remove(answer)) {
          return;
        }
      }
    } catch (EOFException e) {
      // The MTA hung up.
    } catch (IOException e) {
      // The test closed the milter, or the MTA gave up on it.
    }
  }

  /** The headers received (SMFIC_HEADER), as {@code Name: value}. */
  public List<String> headers() {
    return received.stream().filter(p -> p.command() == 'L')
        .map(p -> text(p).replaceFirst("\0", ": ").replace("\0", "")).toList();
  }

  /** Waits until the milter's connection ended (after QUIT or a hang-up). */
  public void awaitHangup() {
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String text(Packet p) {
    return new String(p.data(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    server.close();
    thread.interrupt();
    Files.deleteIfExists(socket);
  }
}
