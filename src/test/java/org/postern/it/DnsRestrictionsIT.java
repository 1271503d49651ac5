package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.differential.Postfix312;

/**
 * The DNS-based restrictions of smtpd_access(5) against the Postfix 3.12 reference peer, in one
 * DNS test world: Debian's unbound on {@value #DNS} (port 53 for Postfix's resolv.conf, a free port
 * for Postern) answers reverse and forward records for clients on {@code 127.0.92.x}, and forwards
 * {@code broken.test} and one reverse name to a second unbound that refuses them, so that the
 * first answers SERVFAIL at once ({@code refused.test} it refuses itself). The clients: forward-confirmed ({@code .10}), a PTR whose name
 * lists another address ({@code .11}), no PTR ({@code .12}), PTR SERVFAIL ({@code .13}), a PTR
 * whose name does not exist ({@code .14}) and one whose name lookup fails ({@code .15}).
 *
 * <p>Both MTAs run the same main.cf: the recipient's local part picks a restriction class ({@code
 * fcrdns@}, {@code reverse@}, {@code helo@}, {@code sender@}, {@code rcpt@}), each one of the
 * reject_unknown_* restrictions, with the reject codes at 550 so that permanent and temporary
 * failures differ; or ({@code helo_mx@}, {@code rcpt_ns@}, ...) one of the fifteen {@code
 * check_*_{mx,ns,a}_access} restrictions with one table that refuses MX hosts and name servers by
 * name and by address, and answers OK (not allowed there) for one. Each case is one connection
 * from its client: EHLO, MAIL, RCPT. The RCPT replies must be identical, and so must the client
 * names of the {@code connect from} lines and the warnings about names and lookups.
 */
class DnsRestrictionsIT {
  private static final String NET = "127.0.92.";
  private static final String DNS = NET + "53";
  private static final String POSTERN = NET + "1";
  private static final String POSTFIX = NET + "2";

  /** One connection: from a client, a HELO name, a sender and one recipient. */
  private record Case(String client, String helo, String sender, String recipient, Listener listener) {
    Case(String client, String helo, String sender, String recipient) {
      this(client, helo, sender, recipient, Listener.MAIN);
    }

    @Override
    public String toString() {
      return client + " HELO " + helo + " FROM <" + sender + "> TO <" + recipient + "> at " + listener;
    }
  }

  /** Each MTA's smtpd listeners: main.cf as is, and two with master.cf overrides. */
  private enum Listener {
    MAIN(List.of()),
    DEFER(List.of("unknown_helo_hostname_tempfail_action=defer", "unknown_address_tempfail_action=defer")),
    NO_PEERNAME(List.of("smtpd_peername_lookup=no"));

    final List<String> overrides;

    Listener(List<String> overrides) {
      this.overrides = overrides;
    }

    /** The master.cf entry on {@code address}:{@code port}. */
    String masterCf(String address, int port) {
      StringBuilder entry = new StringBuilder(address + ":" + port + " inet n - n - - smtpd");
      overrides.forEach(o -> entry.append("\n  -o ").append(o));
      return entry.toString();
    }
  }

  /** Restriction classes of check_SUBJECT_TYPE_access, named SUBJECT_TYPE ({@code rev_}, {@code rcpt_}). */
  private static final List<String> SERVER_CLASSES = List.of(
      "client_mx", "client_ns", "client_a", "rev_mx", "rev_ns", "rev_a", "helo_mx", "helo_ns",
      "helo_a", "sender_mx", "sender_ns", "sender_a", "rcpt_mx", "rcpt_ns", "rcpt_a");

  private static final List<Case> CASES = cases();

  @TempDir static Path tmp;
  private static Unbound world;
  private static Unbound refuser;
  private static List<String> postfixReplies;
  private static String postfixLog;
  private static List<String> posternReplies;
  private static String posternLog;

  @BeforeAll
  static void runBoth() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    startDns();
    Path resolvConf = tmp.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver " + DNS + "\n", StandardCharsets.US_ASCII);
    Path access = tmp.resolve("classes");
    List<String> classes = new ArrayList<>(List.of("fcrdns@ fcrdns", "reverse@ reverse", "helo@ helo",
        "sender@ senderdom", "rcpt@ rcptdom", "strict_helo@ strict_helo", "strict_sender@ strict_sender"));
    SERVER_CLASSES.forEach(c -> classes.add(c + "@ " + c));
    Files.writeString(access, String.join("\n", classes) + "\n", StandardCharsets.US_ASCII);
    Path servers = tmp.resolve("servers");
    Files.writeString(servers, String.join("\n", "client.test REJECT client domain",
        "bad-mx.test REJECT bad mx host", NET + "66 REJECT bad address", "ns.bad.test REJECT bad name server",
        "okmx.test OK", "dunno.test DUNNO", NET + "67 DUNNO") + "\n", StandardCharsets.US_ASCII);
    List<String> mainCf = new ArrayList<>(List.of(
        "myhostname = mx.example.com",
        "mydestination = example.com",
        "local_recipient_maps =",
        "mynetworks = " + NET + "0/24",
        "unknown_client_reject_code = 550",
        "unknown_hostname_reject_code = 550",
        "unknown_address_reject_code = 550",
        "smtpd_restriction_classes = fcrdns, reverse, helo, senderdom, rcptdom, strict_helo, strict_sender, "
            + String.join(", ", SERVER_CLASSES),
        "fcrdns = reject_unknown_client_hostname",
        "reverse = reject_unknown_reverse_client_hostname",
        "helo = reject_unknown_helo_hostname",
        "senderdom = reject_unknown_sender_domain",
        "rcptdom = reject_unknown_recipient_domain",
        "strict_helo = reject_unknown_helo_hostname, reject",
        "strict_sender = reject_unknown_sender_domain, reject",
        "smtpd_recipient_restrictions = check_recipient_access texthash:" + access
            + ", permit_mynetworks, reject_unauth_destination"));
    for (String c : SERVER_CLASSES) {
      mainCf.add(c + " = check_" + c.replace("rev_", "reverse_client_hostname_").replace("rcpt_", "recipient_")
          + "_access texthash:" + servers);
    }
    Map<Listener, Integer> postfixPorts = new EnumMap<>(Listener.class);
    for (Listener l : Listener.values()) {
      postfixPorts.put(l, 2525 + l.ordinal());
    }
    List<String> postfixMasterCf = new ArrayList<>();
    postfixPorts.forEach((l, port) -> postfixMasterCf.add(l.masterCf(POSTFIX, port)));
    try (Postfix312 p = Postfix312.start(tmp.resolve("postfix"), mainCf, postfixMasterCf,
        Optional.of(resolvConf))) {
      postfixReplies = runCases(POSTFIX, postfixPorts);
      postfixLog = p.maillogText();
    }
    List<String> posternMainCf = new ArrayList<>(mainCf);
    posternMainCf.add("postern_dns_resolver_address = " + world.address());
    try (PosternInstance p = PosternInstance.createReceiveOnly(tmp.resolve("postern"),
        String.join("\n", posternMainCf) + "\n")) {
      Path master = p.config().resolve("master.cf");
      Files.writeString(master, Files.readString(master)
          .replace("127.0.0.1:" + p.smtpPort() + " ", POSTERN + ":" + p.smtpPort() + " "));
      Map<Listener, Integer> posternPorts = new EnumMap<>(Listener.class);
      posternPorts.put(Listener.MAIN, p.smtpPort());
      for (Listener l : List.of(Listener.DEFER, Listener.NO_PEERNAME)) {
        posternPorts.put(l, PosternInstance.freePort());
        p.appendMasterCf(l.masterCf(POSTERN, posternPorts.get(l)));
      }
      p.start();
      posternReplies = runCases(POSTERN, posternPorts);
      posternLog = p.maillogText();
    }
  }

  @AfterAll
  static void stopDns() throws InterruptedException {
    for (Unbound u : new Unbound[] {world, refuser}) {
      if (u != null) {
        u.close();
      }
    }
  }

  @Test
  void postfix_answersAsTheWorldSays() {
    assertThat(reply(postfixReplies, NET + "10", "fcrdns@")).startsWith("250 ");
    assertThat(reply(postfixReplies, NET + "11", "fcrdns@"))
        .isEqualTo("550 5.7.25 Client host rejected: cannot find your hostname, [127.0.92.11]");
    assertThat(reply(postfixReplies, NET + "13", "fcrdns@"))
        .isEqualTo("450 4.7.25 Client host rejected: cannot find your hostname, [127.0.92.13]");
    assertThat(reply(postfixReplies, NET + "11", "reverse@")).startsWith("250 ");
    assertThat(postfixReplies).contains(
        "550 5.7.27 <s@nullmx.test>: Sender address rejected: Domain nullmx.test does not accept mail (nullMX)",
        "556 5.1.10 <rcpt@nullmx.test>: Recipient address rejected: Domain nullmx.test does not accept mail (nullMX)",
        "450 4.1.8 <s@x.broken.test>: Sender address rejected: Domain not found",
        "550 5.7.1 <nothing.test>: Helo command rejected: Host not found",
        "554 5.7.1 <s@byname.test>: Sender address rejected: bad mx host",
        "554 5.7.1 <rcpt_ns@sub.nsdom.test>: Recipient address rejected: bad name server",
        "554 5.7.1 <s@selfmx.test>: Sender address rejected: bad address",
        "554 5.7.1 <forged.client.test>: Unverified Client host rejected: client domain",
        "451 4.3.5 Server configuration error");
    assertThat(reply(postfixReplies, NET + "10", "strict_helo@", Listener.MAIN))
        .isEqualTo("554 5.7.1 <strict_helo@example.com>: Recipient address rejected: Access denied");
    assertThat(reply(postfixReplies, NET + "10", "strict_helo@", Listener.DEFER))
        .isEqualTo("450 4.7.1 <host.broken.test>: Helo command rejected: Host not found");
    assertThat(reply(postfixReplies, NET + "10", "fcrdns@", Listener.NO_PEERNAME))
        .isEqualTo("550 5.7.25 Client host rejected: cannot find your hostname, [127.0.92.10]");
  }

  @Test
  void replies_sameAsPostfix() {
    assertThat(posternReplies).hasSameSizeAs(postfixReplies);
    for (int i = 0; i < CASES.size(); i++) {
      assertThat(posternReplies.get(i)).as(CASES.get(i).toString()).isEqualTo(postfixReplies.get(i));
    }
  }

  @Test
  void clientNamesAndWarnings_sameAsPostfix() {
    assertThat(logged(posternLog)).isEqualTo(logged(postfixLog));
    assertThat(logged(postfixLog)).contains("connect from good.client.test[127.0.92.10]",
        "connect from unknown[127.0.92.11]",
        "warning: hostname forged.client.test does not resolve to address 127.0.92.11",
        "warning: Unable to look up MX host missing.test for Sender address s@noaddr.test:"
            + " Name or service not known",
        "warning: restriction check_sender_mx_access returns OK for s@allowed.test");
  }

  private static List<Case> cases() {
    List<Case> all = new ArrayList<>();
    String good = NET + "10";
    for (int c = 10; c <= 15; c++) {
      for (String r : List.of("fcrdns@example.com", "reverse@example.com")) {
        all.add(new Case(NET + c, "good.client.test", "s@mx.test", r));
      }
    }
    for (String helo : List.of("good.client.test", "mxonly.test", "nullmx.test", "nothing.test",
        "host.broken.test", "aaaaonly.test", "[127.0.92.10]", "[127.0.92]", "[::1]", "[IPv6:::1]", "Good.Client.Test.",
        "Good.Client.Test", "x.refused.test", "127.0.92.10", "*.mx.test", "bad_name-.test")) {
      all.add(new Case(good, helo, "s@mx.test", "helo@example.com"));
    }
    for (String domain : List.of("mx.test", "aonly.test", "aaaaonly.test", "nothing.test",
        "nullmx.test", "x.broken.test", "x.refused.test", "example.com", "[127.0.92.10]", "Mx.Test")) {
      all.add(new Case(good, "good.client.test", "s@" + domain, "sender@example.com"));
      all.add(new Case(good, "good.client.test", "s@mx.test", "rcpt@" + domain));
    }
    all.add(new Case(good, "good.client.test", "", "sender@example.com"));
    for (Listener l : List.of(Listener.MAIN, Listener.DEFER)) {
      all.add(new Case(good, "host.broken.test", "s@mx.test", "strict_helo@example.com", l));
      all.add(new Case(good, "host.broken.test", "s@mx.test", "helo@example.com", l));
      all.add(new Case(good, "good.client.test", "s@x.broken.test", "strict_sender@example.com", l));
      all.add(new Case(good, "good.client.test", "s@x.broken.test", "rcpt@x.broken.test", l));
    }
    for (String r : List.of("fcrdns@example.com", "reverse@example.com", "client_mx@example.com")) {
      all.add(new Case(good, "good.client.test", "s@mx.test", r, Listener.NO_PEERNAME));
    }
    for (String c : SERVER_CLASSES.subList(0, 6)) {
      all.add(new Case(good, "good.client.test", "s@mx.test", c + "@example.com"));
      all.add(new Case(NET + "11", "good.client.test", "s@mx.test", c + "@example.com"));
    }
    List<String> domains = List.of("byname.test", "byaddr.test", "selfmx.test", "sub.nsdom.test",
        "nothing.test", "noaddr.test", "allowed.test", "dunnomx.test", "x.broken.test", "nullmx.test",
        "[127.0.92.66]");
    for (String d : domains) {
      for (String type : List.of("mx", "ns", "a")) {
        all.add(new Case(good, d, "s@mx.test", "helo_" + type + "@example.com"));
        all.add(new Case(good, "good.client.test", "s@" + d, "sender_" + type + "@example.com"));
        all.add(new Case(good, "good.client.test", "s@mx.test", "rcpt_" + type + "@" + d));
      }
    }
    return List.copyOf(all);
  }

  private static List<String> records() {
    return List.of(
        "10.92.0.127.in-addr.arpa. PTR good.client.test.",
        "good.client.test. A " + NET + "10",
        "11.92.0.127.in-addr.arpa. PTR forged.client.test.",
        "forged.client.test. A " + NET + "99",
        "14.92.0.127.in-addr.arpa. PTR gone.client.test.",
        "15.92.0.127.in-addr.arpa. PTR host.broken.test.",
        "mx.test. MX 10 good.client.test.",
        "mxonly.test. MX 10 good.client.test.",
        "aonly.test. A " + NET + "20",
        "aaaaonly.test. AAAA 2001:db8::20",
        "nullmx.test. MX 0 .",
        "byname.test. MX 10 mx1.bad-mx.test.",
        "mx1.bad-mx.test. A " + NET + "20",
        "byaddr.test. MX 10 mx.byaddr.test.",
        "byaddr.test. NS mx.byaddr.test.",
        "mx.byaddr.test. A " + NET + "66",
        "selfmx.test. A " + NET + "66",
        "nsdom.test. NS ns.bad.test.",
        "noaddr.test. MX 10 missing.test.",
        "allowed.test. MX 10 mx.okmx.test.",
        "allowed.test. A " + NET + "21",
        "mx.okmx.test. A " + NET + "21",
        "dunnomx.test. MX 10 mx.dunno.test.",
        "dunnomx.test. A " + NET + "67");
  }

  /**
   * The world's unbound (local data; {@code broken.test} and {@code 13.92.0.127.in-addr.arpa}
   * delegated to the refuser) and the refuser, which answers REFUSED for both.
   */
  private static void startDns() throws IOException, InterruptedException {
    Path r = Files.createDirectories(tmp.resolve("refuser"));
    int refuserPort = PosternInstance.freePort();
    List<String> refuse = new ArrayList<>(Unbound.server(r, refuserPort, "iterator"));
    refuse.addAll(List.of(
        "  local-zone: \"test.\" refuse", "  local-zone: \"127.in-addr.arpa.\" refuse"));
    refuser = Unbound.launch(r, refuserPort, refuse);
    Path d = Files.createDirectories(tmp.resolve("dns"));
    int port = PosternInstance.freePort();
    List<String> conf = new ArrayList<>(Unbound.server(d, port, "iterator"));
    conf.addAll(List.of(
        "  interface: " + DNS + "@53",
        "  do-not-query-localhost: no",
        "  local-zone: \"test.\" static",
        "  local-zone: \"broken.test.\" transparent",
        "  local-zone: \"refused.test.\" refuse",
        "  local-zone: \"92.0.127.in-addr.arpa.\" static",
        "  local-zone: \"13.92.0.127.in-addr.arpa.\" transparent"));
    records().forEach(rec -> conf.add("  local-data: \"" + rec + "\""));
    for (String zone : List.of("broken.test.", "13.92.0.127.in-addr.arpa.")) {
      conf.addAll(List.of("stub-zone:", "  name: \"" + zone + "\"",
          "  stub-addr: 127.0.0.1@" + refuserPort));
    }
    world = Unbound.launch(d, port, conf);
  }

  /** Every case against {@code server}: the RCPT reply, or what ended the dialogue before it. */
  private static List<String> runCases(String server, Map<Listener, Integer> ports) throws Exception {
    List<String> replies = new ArrayList<>();
    for (Case c : CASES) {
      try (SmtpClient client = connect(c.client(), server, ports.get(c.listener()))) {
        client.command("EHLO " + c.helo());
        SmtpClient.Reply mail = client.command("MAIL FROM:<" + c.sender() + ">");
        replies.add(mail.code() == 250
            ? client.command("RCPT TO:<" + c.recipient() + ">").toString()
            : "MAIL: " + mail);
        client.command("QUIT");
      }
    }
    return replies;
  }

  /** Waits until smtpd greets; the master may still be starting its listener. */
  private static SmtpClient connect(String client, String server, int port) throws Exception {
    IOException last = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        SmtpClient c = SmtpClient.connectFrom(client, InetAddress.getByName(server), port);
        if (c.greeting().startsWith("220")) {
          return c;
        }
        c.close();
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no greeting from " + server + ":" + port, last);
  }

  /** The RCPT reply of the first case from {@code client} to a recipient starting {@code local}. */
  private static String reply(List<String> replies, String client, String local) {
    return reply(replies, client, local, Listener.MAIN);
  }

  private static String reply(List<String> replies, String client, String local, Listener listener) {
    for (int i = 0; i < CASES.size(); i++) {
      Case c = CASES.get(i);
      if (c.client().equals(client) && c.recipient().startsWith(local) && c.listener() == listener) {
        return replies.get(i);
      }
    }
    throw new AssertionError("no case from " + client + " to " + local);
  }

  private static final Pattern NAMES = Pattern.compile(
      "(?m)\\]: ((?:connect from |warning: hostname |warning: numeric hostname"
          + "|warning: Unable to look up |warning: restriction |warning: this is not|warning: use DUNNO).*)$");

  /** The distinct {@code connect from} lines and client name warnings of a maillog. */
  private static TreeSet<String> logged(String maillog) {
    TreeSet<String> lines = new TreeSet<>();
    Matcher m = NAMES.matcher(maillog);
    while (m.find()) {
      lines.add(m.group(1));
    }
    return lines;
  }
}
