package org.postern.postscreen;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.postern.log.DelayFormat;

/**
 * One client of postscreen, from {@code CONNECT from} to the hand-off or {@code DISCONNECT}:
 * the permanent access list, the temporary allow-list (cache), the tests before the greeting
 * (pregreet with the {@code 220-} teaser, DNS lists) and, when a deep protocol test is due, the
 * dummy SMTP engine ({@link ScreenSmtpd}). Postfix's {@code postscreen.c}, {@code
 * postscreen_early.c} and {@code psc_conclude()}.
 *
 * <p>A client that passes without a deep test in this session goes to smtpd, which sends its own
 * {@code 220} greeting: after the teaser that is the last line of one multi-line greeting. A
 * client that met the dummy engine (which said {@code 220} itself) never goes to smtpd in the
 * same session: its recipients get {@code 450 4.3.2}, and it is let in when it comes back.
 *
 * <p>Failure: a client that hangs up is {@code HANGUP ... in TEST} and {@code DISCONNECT}; I/O
 * errors end the session the same way.
 */
final class ScreenSession {
  static final String SERVICE_UNAVAILABLE = "421 4.3.2 Service currently unavailable\r\n";
  private static final int READ_SIZE = 1024;

  private final Postscreen.Shared shared;
  private final PostscreenSettings settings;
  private final Socket socket;
  private final InputStream raw;
  /** What the dummy engine reads: after a pregreet, those bytes first (Postfix only peeked). */
  private InputStream in;
  private final OutputStream out;
  private final Consumer<String> log;
  private final Clock clock;
  final String address;
  final String port;
  final Set<ScreenTest> todo = EnumSet.noneOf(ScreenTest.class);
  final Set<ScreenTest> passed = EnumSet.noneOf(ScreenTest.class);
  final Set<ScreenTest> failed = EnumSet.noneOf(ScreenTest.class);
  final Map<ScreenTest, Instant> expiries = new EnumMap<>(ScreenTest.class);
  /** The permanent deny-list matched (Postfix's {@code PSC_STATE_FLAG_DNLIST_FAIL}). */
  private boolean denylisted;
  private boolean newClient;
  boolean noForward;
  private boolean hangup;
  String rcptReply = "450 4.3.2 Service currently unavailable\r\n";
  private String finalReply = SERVICE_UNAVAILABLE;
  private String testName = "";
  private long start;
  private byte[] pending = new byte[0];

  ScreenSession(Postscreen.Shared shared, Socket socket, Consumer<String> log) throws IOException {
    this.shared = shared;
    this.settings = shared.settings();
    this.socket = socket;
    this.raw = socket.getInputStream();
    this.in = new BufferedInputStream(raw);
    this.out = socket.getOutputStream();
    this.log = log;
    this.clock = shared.clock();
    this.address = ((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress().getHostAddress();
    this.port = Integer.toString(socket.getPort());
  }

  /** {@code [address]:port}, as every postscreen log line names the client. */
  String client() {
    return "[" + address + "]:" + port;
  }

  void log(String line) {
    log.accept(line);
  }

  Instant now() {
    return clock.instant();
  }

  PostscreenSettings settings() {
    return settings;
  }

  InputStream in() {
    return in;
  }

  Socket socket() {
    return socket;
  }

  void run() {
    log("CONNECT from " + client() + " to [" + socket.getLocalAddress().getHostAddress() + "]:"
        + socket.getLocalPort());
    int concurrency = shared.connect(address);
    try {
      screen(concurrency);
    } catch (IOException e) {
      hangup();
    } finally {
      shared.disconnect(address);
    }
  }

  private void screen(int concurrency) throws IOException {
    if (settings.connectionCountLimit() > 0 && concurrency > settings.connectionCountLimit()) {
      log("NOQUEUE: reject: CONNECT from " + client() + ": too many connections");
      drop("421 4.7.0 Error: too many connections\r\n");
      return;
    }
    switch (settings.accessList().evaluate(socket.getInetAddress(), address, this::log)) {
      case DENYLIST -> {
        log("DENYLISTED " + client());
        denylisted = true;
        switch (settings.denylistAction()) {
          case DROP -> {
            drop("521 5.3.2 Service currently unavailable\r\n");
            return;
          }
          case ENFORCE -> enforce("550 5.3.2 Service currently unavailable\r\n");
          case IGNORE -> denylisted = false;
        }
      }
      case ALLOWLIST -> {
        log("ALLOWLISTED " + client());
        conclude();
        return;
      }
      case DUNNO -> { }
    }
    Optional<Map<ScreenTest, Instant>> cached = anyFail()
        ? Optional.empty() : shared.cache().flatMap(c -> c.find(address));
    cached.ifPresent(expiries::putAll);
    // Postfix's PSC_STATE_FLAG_NEW: some enabled test was never passed.
    newClient = Arrays.stream(ScreenTest.values())
        .anyMatch(t -> settings.enabled(t) && !expiries.containsKey(t));
    for (ScreenTest t : ScreenTest.values()) {
      Instant expiry = expiries.get(t);
      if (settings.enabled(t) && (expiry == null || !now().isBefore(expiry))) {
        todo.add(t);
      }
    }
    if (cached.isPresent() && concurrency == 1 && todo.isEmpty()) {
      log("PASS OLD " + client());
      conclude();
      return;
    }
    if (todo.contains(ScreenTest.PREGREET) || todo.contains(ScreenTest.DNSBL)) {
      earlyTests();
    } else if (todo.stream().anyMatch(t -> !t.beforeGreeting()) || noForward) {
      new ScreenSmtpd(this).run();
    } else {
      conclude();
    }
  }

  /** Postfix's {@code PSC_BEGIN_TESTS}: names the phase a HANGUP reports, restarts its clock. */
  void begin(String name) {
    testName = name;
    start = System.nanoTime();
  }

  /** Seconds since the phase began, as Postfix prints delays ({@code 0.12}, {@code 6}). */
  String elapsed() {
    long nanos = System.nanoTime() - start;
    return DelayFormat.format(nanos / 1_000_000_000L, (nanos / 1000) % 1_000_000, 2,
        settings.delayResolution());
  }

  private void earlyTests() throws IOException {
    begin("tests before SMTP handshake");
    if (todo.contains(ScreenTest.PREGREET) && !send("220-" + settings.greetBanner().orElseThrow() + "\r\n")) {
      hangup();
      return;
    }
    Optional<DnsblScore.Pending> dnsbl = todo.contains(ScreenTest.DNSBL)
        ? Optional.of(shared.dnsbl().start(socket.getInetAddress())) : Optional.empty();
    long deadline = start + settings.greetWait().toNanos();
    if (todo.contains(ScreenTest.PREGREET) && dnsbl.isPresent() && allowlistedEarly(dnsbl.get(), deadline)) {
      // As Postfix: a client the DNS lists allow-list need not sit out the greeting wait.
      afterGreetWait(dnsbl);
      return;
    }
    if (todo.contains(ScreenTest.PREGREET)) {
      byte[] buffer = new byte[READ_SIZE];
      int n;
      try {
        socket.setSoTimeout(remainingMillis(deadline));
        n = raw.read(buffer);
      } catch (SocketTimeoutException e) {
        n = 0;
      }
      if (n < 0) {
        hangup();
        return;
      }
      if (n > 0 && !pregreet(Arrays.copyOf(buffer, n))) {
        return;
      }
      if (n > 0) {
        dnsbl.ifPresent(d -> await(d, deadline));
      }
    } else {
      dnsbl.ifPresent(d -> await(d, deadline));
    }
    afterGreetWait(dnsbl);
  }

  /**
   * With {@code postscreen_dnsbl_allowlist_threshold} in use: waits for the DNS lists first and
   * tells whether they allow-list the client (which then passes the pregreet test too), unless it
   * has already spoken.
   */
  private boolean allowlistedEarly(DnsblScore.Pending d, long deadline) throws IOException {
    if (settings.allowlistThreshold() >= 0) {
      return false;
    }
    await(d, deadline);
    if (!d.done().isDone() || raw.available() > 0) {
      return false;
    }
    DnsblScore.Result r = d.result();
    allowlistNonDnsbl(r);
    return passed.contains(ScreenTest.PREGREET);
  }

  /** A client that spoke first; false when the session ended (drop). */
  private boolean pregreet(byte[] data) throws IOException {
    pending = data;
    in = new BufferedInputStream(new SequenceInputStream(new ByteArrayInputStream(data), raw));
    log("PREGREET " + data.length + " after " + elapsed() + " from " + client() + ": "
        + Escape.bytes(data, 0, Math.min(data.length, 100)));
    failed.add(ScreenTest.PREGREET);
    switch (settings.greetAction()) {
      case DROP -> {
        drop("521 5.5.1 Protocol error\r\n");
        return false;
      }
      case ENFORCE -> enforce("550 5.5.1 Protocol error\r\n");
      case IGNORE -> { }
    }
    return true;
  }

  private static void await(DnsblScore.Pending d, long deadline) {
    try {
      d.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // The greeting wait is over: the score counts the lists that answered.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int remainingMillis(long deadline) {
    return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  /** Postfix's {@code psc_early_event(EVENT_TIME)}. */
  private void afterGreetWait(Optional<DnsblScore.Pending> dnsbl) throws IOException {
    if (todo.contains(ScreenTest.PREGREET) && !failed.contains(ScreenTest.PREGREET)
        && !passed.contains(ScreenTest.PREGREET) && pending.length == 0) {
      pass(ScreenTest.PREGREET, settings.greetTtl());
    }
    if (failed.contains(ScreenTest.PREGREET) && settings.greetAction() == Action.IGNORE) {
      failed.remove(ScreenTest.PREGREET);
    }
    if (dnsbl.isPresent()) {
      DnsblScore.Result r = dnsbl.get().result();
      if (settings.allowlistThreshold() < 0) {
        allowlistNonDnsbl(r);
      }
      if (r.score() < settings.dnsblThreshold()) {
        pass(ScreenTest.DNSBL, r.ttl());
      } else {
        log("DNSBL rank " + r.score() + " for " + client());
        failed.add(ScreenTest.DNSBL);
        String reply = "%s 5.7.1 Service unavailable; client [" + address + "] blocked using "
            + r.name().orElse("") + "\r\n";
        switch (settings.dnsblAction()) {
          case DROP -> {
            drop(reply.formatted("521"));
            return;
          }
          case ENFORCE -> enforce(reply.formatted("550"));
          case IGNORE -> failed.remove(ScreenTest.DNSBL);
        }
      }
    }
    boolean deepDue = todo.stream().anyMatch(t -> !t.beforeGreeting() && !passed.contains(t));
    if (noForward || deepDue) {
      new ScreenSmtpd(this).run();
    } else {
      conclude();
    }
  }

  /**
   * {@code postscreen_dnsbl_allowlist_threshold}: a client whose score is at most that (negative)
   * value skips the other tests, which count as passed until the DNS list answer expires.
   */
  private void allowlistNonDnsbl(DnsblScore.Result r) {
    if (anyFail() || r.score() >= settings.dnsblThreshold()
        || r.score() > settings.allowlistThreshold()) {
      return;
    }
    Instant until = now().plus(r.ttl());
    for (ScreenTest t : ScreenTest.values()) {
      if (t == ScreenTest.DNSBL) {
        continue;
      }
      if (todo.contains(t)) {
        passed.add(t);
      }
      Instant e = expiries.get(t);
      if (e == null || e.isBefore(until)) {
        expiries.put(t, until);
      }
    }
  }

  /** A test failed in this session, or the deny-list matched. */
  boolean anyFail() {
    return denylisted || !failed.isEmpty();
  }

  void pass(ScreenTest t, Duration ttl) {
    passed.add(t);
    expiries.put(t, now().plus(ttl));
  }

  /** {@code enforce}: carry on, but refuse recipients with {@code reply} and never hand off. */
  void enforce(String reply) {
    rcptReply = reply;
    noForward = true;
  }

  /** {@code drop}: reply {@code reply} and end the session. */
  void drop(String reply) {
    noForward = true;
    finalReply = reply;
    conclude();
  }

  /** The client went away (or a write failed): no reply, no hand-off. */
  void hangup() {
    hangup = true;
    log("HANGUP after " + elapsed() + " from " + client() + " in " + testName);
    noForward = true;
    conclude();
  }

  /** {@code soft_bounce}: a 5xx reply (and its 5.X.X status) as 4xx, Postfix's psc_soften_reply. */
  String soften(String reply) {
    if (!settings.softBounce() || reply.length() < 5) {
      return reply;
    }
    StringBuilder b = new StringBuilder(reply);
    if (b.charAt(0) == '5') {
      b.setCharAt(0, '4');
    }
    if (b.charAt(4) == '5') {
      b.setCharAt(4, '4');
    }
    return b.toString();
  }

  /** Writes {@code text} (CRLF-terminated lines), soft-bounced; false when the client is gone. */
  boolean send(String text) {
    try {
      out.write(soften(text).getBytes(StandardCharsets.UTF_8));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Postfix's {@code psc_conclude()}: the verdict, the cache, then smtpd or goodbye. */
  private void conclude() {
    if (anyFail()) {
      passed.clear();
    }
    if (!passed.isEmpty() && passed.containsAll(todo)) {
      log("PASS " + (newClient ? "NEW " : "OLD ") + client());
    }
    if (!passed.isEmpty()) {
      shared.cache().ifPresent(c -> c.update(address, expiries));
    }
    if (!noForward) {
      if (shared.handoff().pass(socket, pending)) {
        return;
      }
      log("warning: cannot connect to service private/" + shared.smtpdService()
          + ": no such service in master.cf");
      send("421 4.3.2 All server ports are busy\r\n");
    } else {
      if (!hangup) {
        send(finalReply);
      }
      log("DISCONNECT " + client());
    }
    close();
  }

  private void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Gone either way.
    }
  }
}
