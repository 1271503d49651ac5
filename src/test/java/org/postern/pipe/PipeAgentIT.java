package org.postern.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;
import org.postern.config.ServiceType;
import org.postern.deliver.DeliveryRequest;
import org.postern.deliver.RecipientResult;
import org.postern.log.MailLog;
import org.postern.log.ProgramLog;
import org.postern.queue.TraceFlags;
import org.postern.queue.Envelope;
import org.postern.queue.Recipient;

/** Runs real /bin/sh commands through the pipe agent (as nobody, when the test runs as root). */
class PipeAgentIT {
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final ProgramLog log = stdoutLog(logged);

  private static final String SCRIPT = """
      #!/bin/sh
      out=$1; code=$2; say=$3; shift 3
      printf '%s\\n' "$@" > "$out.argv"
      cat > "$out.stdin"
      id -u > "$out.uid"
      [ "$say" = - ] || printf '%s\\n\\tsecond line\\n' "$say"
      [ "$code" = sleep ] && exec sleep 30
      exit "$code"
      """;

  @TempDir Path dir;
  private Path script;
  private Path queue;
  private final Map<String, String> params = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    script = dir.resolve("command.sh");
    Files.writeString(script, SCRIPT);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    queue = Files.createDirectories(dir.resolve("queue"));
    params.put("service_name", "filter");
    params.put("recipient_delimiter", "+");
  }

  private PipeAgent agent(String flags, String code, String say, String... macros) throws Exception {
    List<String> args = new ArrayList<>(List.of("flags=" + flags, "user=nobody",
        "argv=" + script, dir.resolve("out").toString(), code, say));
    args.addAll(List.of(macros));
    return PipeAgent.of(MainConfig.of(dir, params), args, TestRequests.CLOCK, log);
  }

  private DeliveryRequest request(String sender, String... recipients) throws Exception {
    return TestRequests.request(queue, sender,
        "Subject: hi\r\n\r\nFrom here\r\n.dot\r\nend\r\n", "filter", "Example.COM", recipients);
  }

  private String out(String suffix) throws Exception {
    return Files.readString(dir.resolve("out." + suffix));
  }

  @Test
  void deliver_exit0_sendsAllRecipientsInOneRunWithExpandedArgvAndFlags() throws Exception {
    List<RecipientResult> results = agent("FR>.", "0", "-", "-f", "${sender}", "--",
        "${recipient}", "$user/$extension@$domain", "${nexthop}", "$$x")
        .deliver(request("s@example.org", "a+tag@example.com", "b@example.com"));

    assertThat(results).hasSize(2).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(RecipientResult.Status.SENT);
      assertThat(r.dsn()).isEqualTo("2.0.0");
      assertThat(r.relay()).isEqualTo("filter");
      assertThat(r.text()).isEqualTo("delivered via filter service");
      assertThat(r.action()).isEqualTo("relayed");
    });
    assertThat(out("argv")).isEqualTo("-f\ns@example.org\n--\na+tag@example.com\nb@example.com\n"
        + "a/tag@example.com\nb/@example.com\nExample.COM\n$x\n");
    assertThat(out("stdin")).isEqualTo("From s@example.org  Wed May  1 12:34:56 2024\n"
        + "Return-Path: <s@example.org>\nSubject: hi\n\n>From here\n..dot\nend\n");
  }

  @Test
  void deliver_addressProbe_runsNothingAndNamesTheCommand() throws Exception {
    List<RecipientResult> results = agent("", "0", "-").deliver(TestRequests.request(queue,
        "s@example.org", "Subject: probe\n\n", "filter", "example.com",
        Map.of(TraceFlags.ATTRIBUTE, Integer.toString(TraceFlags.USER_VERIFY)), "a@example.com"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(RecipientResult.Status.SENT);
      assertThat(r.text()).isEqualTo("delivers to command: " + script);
    });
    assertThat(dir.resolve("out.uid")).doesNotExist();
  }

  @Test
  void deliver_saslMacros_fromTheQueueFilesAttributes() throws Exception {
    Envelope e = Envelope.of("s@example.org", List.of(Recipient.of("a@example.com")));
    Envelope authenticated = new Envelope(e.sender(), e.recipients(), e.dsnRet(), e.envid(),
        false, false, e.bodyType(), e.client(),
        Map.of("sasl_method", "PLAIN", "sasl_username", "alice",
            "sasl_sender", "bob+2Bx@example.org"));
    agent("", "0", "-", "${sasl_method}", "${sasl_username}", "${sasl_sender}")
        .deliver(TestRequests.request(queue, authenticated, "Subject: hi\r\n\r\nx\r\n",
            "filter", "example.com"));
    assertThat(out("argv")).isEqualTo("PLAIN\nalice\nbob+2Bx@example.org\n");

    agent("", "0", "-", "[${sasl_method}]", "[${sasl_username}]")
        .deliver(request("s@example.org", "a@example.com"));
    assertThat(out("argv")).isEqualTo("[]\n[]\n");
  }

  @Test
  void deliver_asRoot_runsAsTheUserAccount() throws Exception {
    agent("", "0", "-").deliver(request("s@example.org", "a@example.com"));

    String expected = new com.sun.security.auth.module.UnixSystem().getUid() == 0 ? "65534"
        : Long.toString(new com.sun.security.auth.module.UnixSystem().getUid());
    assertThat(out("uid").strip()).isEqualTo(expected);
  }

  @Test
  void deliver_flagsDOAndNullSender_prependHeadersForTheSingleRecipient() throws Exception {
    RecipientResult r = agent("DOXhq", "0", "-", "${sender}", "${recipient}")
        .deliver(request("", "Mixed.Case@Example.COM")).get(0);

    assertThat(r.action()).isEqualTo("delivered");
    assertThat(out("argv")).isEqualTo("MAILER-DAEMON\nMixed.Case@example.com\n");
    assertThat(out("stdin")).startsWith("X-Original-To: Mixed.Case@Example.COM\n"
        + "Delivered-To: Mixed.Case@Example.COM\nSubject: hi\n");
  }

  @Test
  void deliver_flagDWithTwoRecipients_defers435WithoutRunning() throws Exception {
    List<RecipientResult> results =
        agent("D", "0", "-").deliver(request("s@x.example", "a@example.com", "b@example.com"));

    assertThat(results).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
      assertThat(r.dsn()).isEqualTo("4.3.5");
      assertThat(r.text()).isEqualTo("mail system configuration error");
    });
    assertThat(Files.exists(dir.resolve("out.argv"))).isFalse();
  }

  @Test
  void deliver_exit75_defersTemporaryFailure() throws Exception {
    RecipientResult r = agent("", "75", "-").deliver(request("s@x.example", "a@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.3.0");
    assertThat(r.text()).isEqualTo("temporary failure");
    assertThat(r.diagnostic()).contains("x-unix; temporary failure");
  }

  @Test
  void deliver_exit67WithOutput_bounces511WithCommandOutputOnOneLine() throws Exception {
    RecipientResult r =
        agent("", "67", "no such user").deliver(request("s@x.example", "a@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.1.1");
    assertThat(r.text()).isEqualTo("user unknown. Command output: no such user  second line ");
    assertThat(r.diagnostic()).contains("x-unix; no such user  second line ");
  }

  @Test
  void deliver_otherStatus_bouncesCommandDiedWithStatus() throws Exception {
    RecipientResult r = agent("", "1", "-").deliver(request("s@x.example", "a@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.3.0");
    assertThat(r.text()).isEqualTo("Command died with status 1: \"" + script + "\"");
  }

  @Test
  void deliver_outputWithEnhancedStatus_decidesByItsClass() throws Exception {
    RecipientResult r = agent("", "1", "4.2.2 mailbox busy")
        .deliver(request("s@x.example", "a@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.2.2");
    assertThat(r.text()).isEqualTo("mailbox busy  second line ");
  }

  @Test
  void deliver_overTimeLimit_killsAndBouncesAsPostfix() throws Exception {
    params.put("filter_time_limit", "1s");
    long start = System.nanoTime();

    RecipientResult r =
        agent("", "sleep", "-").deliver(request("s@x.example", "a@example.com")).get(0);

    assertThat(System.nanoTime() - start).isLessThan(20_000_000_000L);
    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.3.0");
    assertThat(r.text()).isEqualTo("Command time limit exceeded: \"" + script + "\"");
  }

  @Test
  void deliver_missingProgram_defersAsTemporaryFailure() throws Exception {
    PipeAgent agent = PipeAgent.of(MainConfig.of(dir, params),
        List.of("user=nobody", "argv=" + dir.resolve("missing")), TestRequests.CLOCK, log);

    RecipientResult r = agent.deliver(request("s@x.example", "a@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.3.0");
    assertThat(r.text()).startsWith("temporary failure. Command output: pipe: fatal: ")
        .endsWith("No such file or directory");
  }

  @Test
  void deliver_sizeOverLimit_bounces523() throws Exception {
    PipeAgent agent = PipeAgent.of(MainConfig.of(dir, params),
        List.of("size=10", "user=nobody", "argv=" + script), TestRequests.CLOCK, log);

    RecipientResult r = agent.deliver(request("s@x.example", "a@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.BOUNCED);
    assertThat(r.dsn()).isEqualTo("5.2.3");
    assertThat(r.text()).isEqualTo("message too large");
  }

  @Test
  void of_rootUserOrUnknownMacro_isRefused() {
    MainConfig config = MainConfig.of(dir, params);

    assertThatThrownBy(() -> PipeAgent.of(config, List.of("user=root", "argv=/bin/true"), log))
        .hasMessage("master.cf service filter: user= command-line attribute specifies root privileges");
    assertThatThrownBy(() -> PipeAgent.of(config, List.of("user=nobody", "argv=/bin/echo", "${bogus}"), log))
        .hasMessage("master.cf service filter: unknown macro name: \"bogus\"");
  }

  @Test
  void deliver_userUnknown_agentStartsAndDefersAsPostfixQmgr() throws Exception {
    PipeAgent agent = PipeAgent.of(MainConfig.of(dir, params),
        List.of("flags=DRXhu", "user=postern-no-such-user", "argv=" + script), TestRequests.CLOCK,
        log);

    RecipientResult r = agent.deliver(request("s@x.example", "a@example.com")).get(0);

    assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
    assertThat(r.dsn()).isEqualTo("4.3.0");
    assertThat(r.relay()).isEqualTo("none");
    assertThat(r.text()).isEqualTo("delivery temporarily suspended: unknown mail transport error");
    assertThat(logged.toString(StandardCharsets.UTF_8))
        .contains("postern/pipe[4242]: warning: master.cf service filter: unknown username:"
            + " postern-no-such-user: mail to this transport is deferred until it exists")
        .contains("postern/pipe[4242]: fatal: get_service_attr: unknown username:"
            + " postern-no-such-user");
  }

  @Test
  void unknownAccount_checkWarnsWithFileLineAndServiceOnlyForUnknownNames() throws Exception {
    Path masterCf = dir.resolve("master.cf");
    MainConfig config = MainConfig.of(dir, params);

    assertThat(PipeAgent.unknownAccount(pipeEntry(masterCf, "user=nobody:postern-no-group"), config))
        .hasValue(masterCf + ", line 7: service maildrop/unix: unknown group: postern-no-group:"
            + " mail to this transport is deferred until it exists");
    assertThat(PipeAgent.unknownAccount(pipeEntry(masterCf, "user=postern-no-such-user"), config))
        .hasValue(masterCf + ", line 7: service maildrop/unix: unknown username:"
            + " postern-no-such-user: mail to this transport is deferred until it exists");
    assertThat(PipeAgent.unknownAccount(pipeEntry(masterCf, "user=nobody"), config)).isEmpty();
  }

  private static MasterService pipeEntry(Path file, String user) {
    return new MasterService(file, 7, "maildrop", ServiceType.UNIX, "-", "n", "n", "-", "-", "pipe",
        List.of("flags=DRXhu", user, "argv=/usr/bin/maildrop", "-d", "${recipient}"), Map.of());
  }

  private static ProgramLog stdoutLog(ByteArrayOutputStream sink) {
    PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
    try {
      return MailLog.builder().standardOutput(true).hostName("mail").pid(4242)
          .standardStreams(out, out).build().program("pipe");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
