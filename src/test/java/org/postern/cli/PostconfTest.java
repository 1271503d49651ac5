package org.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostconfTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void writeConfig() throws Exception {
    Files.writeString(dir.resolve("main.cf"), "# mine\nmyhostname = mx.example.org\n"
        + "smtpd_banner = $myhostname   ESMTP\nrequiretls_enable = no\n");
    Files.writeString(dir.resolve("master.cf"), "smtp inet n - n - - smtpd\n"
        + "submission inet n - n - - smtpd -o syslog_name=postfix/submission"
        + " -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }\n");
  }

  private int postconf(String... args) {
    List<String> all = new ArrayList<>(List.of("-c", dir.toString()));
    all.addAll(List.of(args));
    return Postconf.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void run_defaults_printsPostfixDefaultText() {
    assertThat(postconf("-d", "smtp_requiretls_policy", "lmtp_requiretls_policy", "requiretls_enable",
        "requiretls_esmtp_header", "requiretls_redact_dsn")).isZero();
    assertThat(stdout()).isEqualTo("""
        smtp_requiretls_policy = inline:{{${domain_to_ascii{$mydomain}}=opportunistic}, \
        {.${domain_to_ascii{$mydomain}}=opportunistic}, {localhost=opportunistic}}, \
        cidr:{{0.0.0.0/0 opportunistic}, {::/0 opportunistic}}, enforce
        lmtp_requiretls_policy = opportunistic
        requiretls_enable = yes
        requiretls_esmtp_header = yes
        requiretls_redact_dsn = yes
        """);
  }

  @Test
  void run_explicitOnly_printsMainCfValuesRawAndSorted() {
    assertThat(postconf("-n")).isZero();
    assertThat(stdout()).isEqualTo("myhostname = mx.example.org\nrequiretls_enable = no\n"
        + "smtpd_banner = $myhostname ESMTP\n");
  }

  @Test
  void run_expandAndValueOnly_printsExpandedValue() {
    assertThat(postconf("-xh", "smtpd_banner", "smtp_helo_name")).isZero();
    assertThat(stdout()).isEqualTo("mx.example.org ESMTP\nmx.example.org\n");
  }

  @Test
  void run_expand_leavesRawParametersAsPostfix312Does() {
    assertThat(postconf("-x", "forward_path", "smtpd_expansion_filter")).isZero();
    assertThat(stdout()).startsWith(
        "forward_path = $home/.forward${recipient_delimiter}${extension}, $home/.forward\n"
        + "smtpd_expansion_filter = \\t\\40!\"#$%&'()*+,-./0123456789");
  }

  @Test
  void run_noFlags_printsEverySortedWithEffectiveRawValues() {
    assertThat(postconf()).isZero();
    List<String> lines = stdout().lines().toList();
    assertThat(lines).contains("requiretls_enable = no", "smtp_helo_name = $myhostname",
        "relayhost =");
    assertThat(lines).isSorted();
  }

  @Test
  void run_json_printsValidObject() {
    assertThat(postconf("-j", "requiretls_enable", "smtpd_banner")).isZero();
    assertThat(stdout()).isEqualTo(
        "{\n  \"requiretls_enable\": \"no\",\n  \"smtpd_banner\": \"$myhostname ESMTP\"\n}\n");
  }

  @Test
  void run_jsonDefaults_escapesQuotesAndBackslashes() {
    assertThat(postconf("-jd", "smtp_requiretls_policy")).isZero();
    assertThat(stdout()).startsWith("{\n  \"smtp_requiretls_policy\": \"inline:{{${domain_to_ascii");
  }

  @Test
  void run_unknownName_warns() {
    assertThat(postconf("no_such_parameter")).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("postconf: warning: no_such_parameter: unknown parameter");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void run_edit_replacesAndAppendsKeepingComments() throws Exception {
    assertThat(postconf("-e", "requiretls_enable=yes", "relayhost = [smarthost]:587")).isZero();
    assertThat(Files.readString(dir.resolve("main.cf"))).isEqualTo("# mine\nmyhostname = mx.example.org\n"
        + "smtpd_banner = $myhostname   ESMTP\nrequiretls_enable = yes\nrelayhost = [smarthost]:587\n");
  }

  @Test
  void run_exclude_removesEntry() throws Exception {
    assertThat(postconf("-X", "smtpd_banner")).isZero();
    assertThat(Files.readString(dir.resolve("main.cf"))).doesNotContain("smtpd_banner");
  }

  @Test
  void run_master_printsAlignedEntries() {
    assertThat(postconf("-M")).isZero();
    assertThat(stdout()).isEqualTo("""
        smtp       inet  n       -       n       -       -       smtpd
        submission inet  n       -       n       -       -       smtpd -o syslog_name=postfix/submission \
        -o {smtpd_client_restrictions=permit_sasl_authenticated, reject}
        """);
  }

  @Test
  void run_masterFolded_putsEachOverrideOnItsOwnLine() {
    assertThat(postconf("-Mf", "submission/inet")).isZero();
    assertThat(stdout()).isEqualTo("""
        submission inet  n       -       n       -       -       smtpd
            -o syslog_name=postfix/submission
            -o {smtpd_client_restrictions=permit_sasl_authenticated, reject}
        """);
  }

  @Test
  void run_brokenMainCf_failsNamingFileAndLine() throws Exception {
    Files.writeString(dir.resolve("main.cf"), "myhostname = a\nnot an assignment\n");
    assertThat(postconf()).isEqualTo(Sysexits.EX_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(
        "postconf: fatal: " + dir.resolve("main.cf") + ", line 2: missing '=' after attribute name");
  }

  @Test
  void run_badFlag_isUsageError() {
    assertThat(postconf("-Q")).isEqualTo(Sysexits.EX_USAGE);
  }

  @Test
  void fold_longLine_wrapsWithIndent() {
    String folded = Postconf.fold("name = " + "word ".repeat(30).strip(), 40);
    assertThat(folded.lines()).allMatch(l -> l.length() <= 40);
    assertThat(folded.lines().skip(1)).allMatch(l -> l.startsWith("    "));
  }
}
