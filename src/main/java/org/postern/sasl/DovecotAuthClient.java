package org.postern.sasl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postern.util.LineChannel;

/**
 * One connection to Dovecot's auth service, as Postfix's dovecot plug-in uses it: the handshake
 * learns the mechanisms, then each {@link #begin} sends {@code AUTH} with the next request id of
 * this connection ({@code service=}, {@code nologin}, {@code lip=}, {@code rip=}, {@code secured}
 * inside TLS, {@code resp=} with an initial response) and each {@link #proceed} a {@code CONT} for
 * the same id. Replies for other ids and unknown lines are skipped, at most {@value #MAX_SKIPPED}
 * of them per exchange.
 *
 * <p>An {@code OK} that carries {@code nologin} is taken as a refusal: Dovecot says the password
 * matched but the user may not log in (Postfix ignores the flag and lets such users relay).
 *
 * <p>Not thread-safe: one SMTP session owns one connection.
 *
 * <p>Failure: {@link IOException} when the server cannot be reached, closes, misses the deadline or
 * breaks the protocol; the connection is then unusable and must be closed.
 */
public final class DovecotAuthClient implements SaslServer {
  static final int MAX_SKIPPED = 100;
  /** The other end, as I/O errors name it. */
  static final String AUTH_SERVER = "auth server";
  private static final int MAX_MECHANISMS = 64;

  private final LineChannel io;
  private final Duration timeout;
  private final List<Mechanism> mechanisms;
  private int lastId;
  private boolean broken;

  /** The session a request belongs to, as the auth server's log and policy see it. */
  public record Request(
      String mechanism,
      String service,
      String localAddress,
      String remoteAddress,
      boolean secured,
      Optional<String> initialResponse) {}

  DovecotAuthClient(LineChannel io, Duration timeout, long cpid) throws IOException {
    this.io = io;
    this.timeout = timeout;
    try {
      this.mechanisms = handshake(cpid);
    } catch (IOException e) {
      closeQuietly();
      throw e;
    }
  }

  /** Connects and completes the handshake within {@code timeout}. */
  public static DovecotAuthClient connect(AuthEndpoint endpoint, Duration timeout) throws IOException {
    return new DovecotAuthClient(
        LineChannel.connect(AUTH_SERVER, endpoint.address(), timeout), timeout, ProcessHandle.current().pid());
  }

  /** The mechanisms the server announced, in its order, without {@code private} ones. */
  @Override
  public List<Mechanism> mechanisms() {
    return mechanisms;
  }

  /** False once an exchange failed at the protocol or I/O level. */
  @Override
  public boolean usable() {
    return !broken;
  }

  private List<Mechanism> handshake(long cpid) throws IOException {
    long deadline = deadline();
    io.writeLine("VERSION\t1\t2", deadline);
    io.writeLine("CPID\t" + cpid, deadline);
    List<Mechanism> found = new ArrayList<>();
    boolean versionSeen = false;
    for (int skipped = 0; skipped <= MAX_SKIPPED; ) {
      String[] f = io.readLine(deadline).split("\t", -1);
      switch (f[0]) {
        case "VERSION" -> {
          if (f.length < 3 || !f[1].matches("[0-9]{1,9}") || !f[2].matches("[0-9]{1,9}")) {
            throw new IOException("SASL: Protocol version error");
          }
          if (!f[1].equals("1")) {
            throw new IOException("SASL: Protocol version mismatch (" + f[1] + " vs. 1)");
          }
          versionSeen = true;
        }
        case "MECH" -> mechanism(f).ifPresent(found::add);
        case "DONE" -> {
          if (!versionSeen) {
            throw new IOException("SASL: Protocol version error");
          }
          return List.copyOf(found);
        }
        default -> skipped++;
      }
      if (found.size() > MAX_MECHANISMS) {
        throw new IOException("SASL: Protocol error: more than " + MAX_MECHANISMS + " mechanisms");
      }
    }
    throw new IOException("SASL: Protocol error: no DONE after " + MAX_SKIPPED + " unknown lines");
  }

  private static Optional<Mechanism> mechanism(String[] f) {
    // RFC 4422 names; anything else cannot be announced in EHLO and is skipped.
    if (f.length < 2 || !f[1].matches("[A-Za-z0-9_-]{1,20}")) {
      return Optional.empty();
    }
    Set<String> props = new HashSet<>();
    for (int i = 2; i < f.length; i++) {
      props.add(f[i].toLowerCase(Locale.ROOT));
    }
    if (props.contains("private")) {
      return Optional.empty();
    }
    return Optional.of(new Mechanism(f[1].toUpperCase(Locale.ROOT), props));
  }

  /** Sends {@code AUTH} for a new request id and returns the server's answer. */
  @Override
  public AuthStep begin(Request r) throws IOException {
    lastId++;
    StringBuilder line = new StringBuilder("AUTH\t").append(lastId).append('\t').append(r.mechanism())
        .append("\tservice=").append(r.service())
        .append("\tnologin\tlip=").append(r.localAddress())
        .append("\trip=").append(r.remoteAddress());
    if (r.secured()) {
      line.append("\tsecured");
    }
    r.initialResponse().ifPresent(resp -> line.append("\tresp=").append(resp));
    return exchange(line.toString());
  }

  /** Sends the client's base64 response to the last challenge. */
  @Override
  public AuthStep proceed(String base64) throws IOException {
    return exchange("CONT\t" + lastId + "\t" + base64);
  }

  private AuthStep exchange(String request) throws IOException {
    if (broken) {
      throw new IOException("connection to auth server already failed");
    }
    if (request.indexOf('\n') >= 0 || request.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("line break in auth request");
    }
    try {
      long deadline = deadline();
      io.writeLine(request, deadline);
      for (int skipped = 0; skipped <= MAX_SKIPPED; skipped++) {
        Optional<AuthStep> step = reply(io.readLine(deadline).split("\t", -1));
        if (step.isPresent()) {
          return step.get();
        }
      }
      throw new IOException("SASL: Protocol error: no reply after " + MAX_SKIPPED + " lines");
    } catch (IOException e) {
      broken = true;
      throw e;
    }
  }

  /** The answer to the current request, or empty for a line that is not one. */
  private Optional<AuthStep> reply(String[] f) throws IOException {
    if (f.length < 2 || !f[1].equals(Integer.toString(lastId))) {
      return Optional.empty();
    }
    return switch (f[0]) {
      case "OK" -> Optional.of(ok(f));
      case "CONT" -> {
        String challenge = f.length > 2 ? f[2] : "";
        if (!Base64Text.valid(challenge)) {
          throw new IOException("SASL: Protocol error: challenge is not base64");
        }
        yield Optional.of(new AuthStep.Challenge(challenge));
      }
      case "FAIL" -> Optional.of(fail(f));
      default -> Optional.empty();
    };
  }

  private static AuthStep ok(String[] f) throws IOException {
    String user = parameter(f, "user=").orElse("");
    if (flag(f, "nologin")) {
      return new AuthStep.Failure(parameter(f, "reason=").orElse("Login disallowed"), user);
    }
    if (user.isEmpty()) {
      throw new IOException("SASL: Protocol error: OK without user name");
    }
    return new AuthStep.Success(user);
  }

  private static AuthStep fail(String[] f) {
    String reason = parameter(f, "reason=").orElse("");
    if (flag(f, "temp")) {
      return new AuthStep.TemporaryFailure(reason);
    }
    return new AuthStep.Failure(reason, parameter(f, "user=").orElse(""));
  }

  private static Optional<String> parameter(String[] f, String prefix) {
    for (int i = 2; i < f.length; i++) {
      if (f[i].startsWith(prefix)) {
        return Optional.of(printable(f[i].substring(prefix.length())));
      }
    }
    return Optional.empty();
  }

  private static boolean flag(String[] f, String name) {
    for (int i = 2; i < f.length; i++) {
      if (f[i].equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** Control characters become {@code ?}, as Postfix's printable(). */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f || c == 0xfffd ? '?' : c));
    return b.toString();
  }

  private long deadline() {
    return System.nanoTime() + timeout.toNanos();
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      io.close();
    } catch (IOException e) {
      // Nothing to tell the auth server; the connection is gone either way.
    }
  }
}
