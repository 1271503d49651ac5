package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A recording SMTP server (peer_smtpd.py on Debian's python3-aiosmtpd) on a loopback address:
 * what it received comes back as events, one per connection, MAIL FROM and message.
 */
public final class AiosmtpdPeer implements AutoCloseable {
  /** A MAIL FROM command: the connection number, whether TLS was on, its words. */
  public record Mail(int connection, boolean tls, List<String> words) {
    boolean has(String parameter) {
      return words.stream().anyMatch(w -> w.equalsIgnoreCase(parameter) || w.toUpperCase().startsWith(parameter.toUpperCase() + "="));
    }
  }

  /** A message as received: connection, TLS, REQUIRETLS on its MAIL FROM, recipients, bytes. */
  public record Message(int connection, boolean tls, boolean requireTls, List<String> recipients, byte[] content) {
    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /** A transaction command as the client sent it (peer_smtpd.py --log-commands). */
  public record Command(int connection, String verb, String argument) {}

  private final Process process;
  private final List<Integer> connections = new CopyOnWriteArrayList<>();
  private final List<Mail> mails = new CopyOnWriteArrayList<>();
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final List<Command> commands = new CopyOnWriteArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);

  private AiosmtpdPeer(Process process) {
    this.process = process;
  }

  /** Starts the server on {@code host}:{@code port} with peer_smtpd.py's {@code options}. */
  public static AiosmtpdPeer start(Path workDir, String host, int port, String... options)
      throws IOException, InterruptedException {
    return startScript(workDir, "peer_smtpd.py", host, port, options);
  }

  /**
   * Starts {@code scriptName} (a resource beside this class that prints peer_smtpd.py's events,
   * such as reinject_filter.py, which builds on peer_smtpd.py) on {@code host}:{@code port} with {@code options}.
   */
  static AiosmtpdPeer startScript(Path workDir, String scriptName, String host, int port, String... options)
      throws IOException, InterruptedException {
    // Other scripts import peer_smtpd.py's recording server from beside them.
    for (String name : List.of("peer_smtpd.py", scriptName)) {
      Path file = workDir.resolve(name);
      if (!Files.exists(file)) {
        try (InputStream in = AiosmtpdPeer.class.getResourceAsStream(name)) {
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path script = workDir.resolve(scriptName);
    List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), host, Integer.toString(port)));
    argv.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("PYTHONIOENCODING", "utf-8");
    Process p = pb.start();
    AiosmtpdPeer peer = new AiosmtpdPeer(p);
    Thread.ofPlatform().daemon().start(peer::read);
    boolean up = peer.ready.await(30, TimeUnit.SECONDS);
    if (!up) {
      peer.close();
    }
    assertThat(up).as(scriptName + " on " + host + ":" + port + " READY").isTrue();
    return peer;
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "READY" -> ready.countDown();
          // aiosmtpd's Controller connects once to itself before READY: not a client.
          case "CONNECT" -> {
            if (ready.getCount() == 0) {
              connections.add(Integer.parseInt(f[1]));
            }
          }
          case "MAIL" -> mails.add(new Mail(Integer.parseInt(f[1]), Boolean.parseBoolean(f[2]), List.of(f).subList(3, f.length)));
          case "DATA" ->
              messages.add(
                  new Message(
                      Integer.parseInt(f[1]), Boolean.parseBoolean(f[2]), Boolean.parseBoolean(f[3]),
                      List.of(f[4].split(",")), Base64.getDecoder().decode(f[5])));
          case "COMMAND" ->
              commands.add(new Command(Integer.parseInt(f[1]), f[2], f.length > 3 ? f[3] : ""));
          default -> throw new IllegalStateException("peer_smtpd.py said: " + line);
        }
      }
    } catch (IOException e) {
      // The server is gone; what it said so far stays recorded.
    }
  }

  /** How many client connections the server accepted so far. */
  public int connectionCount() {
    return connections.size();
  }

  public List<Mail> mails() {
    return List.copyOf(mails);
  }

  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /** The transaction commands received so far, when started with {@code --log-commands}. */
  public List<Command> commands() {
    return List.copyOf(commands);
  }

  /** Waits until {@code count} messages arrived; fails the test after {@code limit}. */
  List<Message> awaitMessages(int count, Duration limit) throws InterruptedException {
    assertThat(Commands.await(limit, () -> messages.size() >= count))
        .as(count + " messages at the peer within " + limit + ", got " + messages.size())
        .isTrue();
    return messages();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
