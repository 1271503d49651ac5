package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The scripted libmilter milter (Debian python3-milter,
 * src/test/resources/org/postern/it/pymilter_actions.py) on a free port of {@code address}; the
 * message's Subject picks what it does at end of message, and it logs every event it sees.
 */
final class PyMilter implements AutoCloseable {
  private final Process process;
  private final String address;
  private final int port;
  private final Path events;

  private PyMilter(Process process, String address, int port, Path events) {
    this.process = process;
    this.address = address;
    this.port = port;
    this.events = events;
  }

  static PyMilter start(Path dir, String address)
      throws IOException, InterruptedException, URISyntaxException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      port = s.getLocalPort();
    }
    Path events = dir.resolve("milter-events.log");
    Path script = Path.of(PyMilter.class.getResource("pymilter_actions.py").toURI());
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(),
        "inet:" + port + "@" + address, events.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("milter.out").toFile()).start();
    PyMilter m = new PyMilter(p, address, port, events);
    assertThat(Commands.await(Duration.ofSeconds(20), m::listening)).as("milter listening").isTrue();
    return m;
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The milter as main.cf names it: {@code inet:address:port}. */
  String spec() {
    return "inet:" + address + ":" + port;
  }

  /** Every event the milter saw so far, one line each. */
  String events() throws IOException {
    return Files.readString(events, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
