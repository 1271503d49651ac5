package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.table.Tables;

class ResolveCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private static final String MAIN_CF =
      """
      myhostname = mail.example.com
      mydomain = example.com
      myorigin = $mydomain
      mydestination = $myhostname, localhost, $mydomain
      inet_interfaces = 192.0.2.1
      relay_domains = relay.test
      relayhost = [gw.example.net]:587
      transport_maps = inline:{ {gone@t.test = error:5.1.1 mailbox gone}, lmtp.test=lmtp:unix:/run/lmtp }
      """;

  private int run(String mainCf, String... args) throws IOException {
    Files.writeString(dir.resolve("main.cf"), mainCf);
    ResolveCommand command =
        new ResolveCommand(
            Tables::open,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    List<String> argv = new ArrayList<>(List.of("-c", dir.toString()));
    argv.addAll(List.of(args));
    return command.execute(argv);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void execute_addresses_printOneLineEach() throws IOException {
    int status = run(MAIN_CF, "user", "u@remote.test", "u@a.relay.test", "gone@t.test", "x@lmtp.test");
    assertThat(status).isEqualTo(Sysexits.EX_OK);
    assertThat(stdout().lines())
        .containsExactly(
            "user -> local local:mail.example.com user@example.com",
            "u@remote.test -> default smtp:[gw.example.net]:587 u@remote.test",
            "u@a.relay.test -> relay relay:[gw.example.net]:587 u@a.relay.test",
            "gone@t.test -> default error:5.1.1 mailbox gone gone@t.test",
            "x@lmtp.test -> default lmtp:unix:/run/lmtp x@lmtp.test");
  }

  @Test
  void execute_lookupFailure_printsDeferAndExitsTempfail() throws IOException {
    int status = run(MAIN_CF + "relay_domains = tcp:127.0.0.1:1\n", "u@remote.test");
    assertThat(status).isEqualTo(Sysexits.EX_TEMPFAIL);
    assertThat(stdout()).startsWith("u@remote.test -> defer (relay_domains lookup failure");
  }

  @Test
  void execute_unopenableTable_exitsConfig() throws IOException {
    int status = run(MAIN_CF + "transport_maps = nosuchtype:/x\n", "u@remote.test");
    assertThat(status).isEqualTo(Sysexits.EX_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("nosuchtype");
  }

  @Test
  void execute_noAddress_exitsUsage() throws IOException {
    assertThat(run(MAIN_CF)).isEqualTo(Sysexits.EX_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: resolve");
  }
}
