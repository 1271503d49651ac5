package org.postern.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.deliver.MailCopy;
import org.postern.queue.Recipient;
import org.postern.util.MacroExpansion;

class PipeAttributesTest {
  @Test
  void parse_fullEntry_readsEveryAttributeAndKeepsArgvLast() {
    PipeAttributes a = PipeAttributes.parse(List.of("flags=FRq.>", "USER=filter:mail",
        "eol=\\r\\n", "null_sender=", "size=1000", "directory=/tmp", "argv=/bin/cmd", "-f",
        "user=not-an-attribute"));

    assertThat(a.flags()).containsExactlyInAnyOrder(PipeFlag.FROM_LINE, PipeFlag.RETURN_PATH,
        PipeFlag.QUOTE_LOCAL, PipeFlag.DOT_STUFF, PipeFlag.QUOTE_FROM);
    assertThat(a.copyFlags()).containsExactlyInAnyOrder(MailCopy.Flag.FROM_LINE,
        MailCopy.Flag.RETURN_PATH, MailCopy.Flag.DOT_STUFF, MailCopy.Flag.QUOTE_FROM);
    assertThat(a.user()).isEqualTo("filter");
    assertThat(a.group()).contains("mail");
    assertThat(a.eol()).isEqualTo("\r\n");
    assertThat(a.nullSender()).isEmpty();
    assertThat(a.sizeLimit()).isEqualTo(1000);
    assertThat(a.directory()).contains("/tmp");
    assertThat(a.argv()).containsExactly("/bin/cmd", "-f", "user=not-an-attribute");
  }

  @Test
  void parse_defaults_nullSenderIsMailerDaemonAndEolIsNewline() {
    PipeAttributes a = PipeAttributes.parse(List.of("user=u", "argv=/bin/cmd"));

    assertThat(a.nullSender()).isEqualTo("MAILER-DAEMON");
    assertThat(a.eol()).isEqualTo("\n");
    assertThat(a.group()).isEmpty();
    assertThat(MacroExpansion.unescape("a\\101\\tb\\\\")).isEqualTo("aA\tb\\");
  }

  @Test
  void parse_errors_usePostfixWords() {
    assertThatThrownBy(() -> PipeAttributes.parse(List.of("argv=/bin/x")))
        .hasMessage("missing user= command-line attribute");
    assertThatThrownBy(() -> PipeAttributes.parse(List.of("user=u")))
        .hasMessage("missing argv= command-line attribute");
    assertThatThrownBy(() -> PipeAttributes.parse(List.of("flags=Z", "user=u", "argv=/x")))
        .hasMessage("unknown flag: Z");
    assertThatThrownBy(() -> PipeAttributes.parse(List.of("colour=red", "user=u", "argv=/x")))
        .hasMessage("unknown attribute name: colour=red");
  }

  @Test
  void expand_emptyUserPart_dropsArgumentForThatRecipient_andQuotesWithQ() {
    ArgvExpander x = new ArgvExpander(Set.of(PipeFlag.QUOTE_LOCAL, PipeFlag.FOLD_USER), "+-");
    Recipient plain = Recipient.of("Joe Smith@example.com");
    Recipient board = new Recipient("+list@example.com", Optional.empty(), Optional.empty(),
        Set.of(), false, -1);

    List<String> argv = x.expand(List.of("$(recipient)", "u=${user}", "e=$extension"),
        java.util.Map.of(), List.of(plain, board));

    assertThat(argv).containsExactly("\"joe smith\"@example.com", "+list@example.com",
        "u=joe smith", "e=", "e=list");
  }

  @Test
  void check_unknownMacro_isRefused() {
    assertThatThrownBy(() -> ArgvExpander.check(List.of("/bin/x", "${recipent}")))
        .hasMessage("unknown macro name: \"recipent\"");
  }

  @Test
  void check_conditionalOrMalformedReference_isRefusedAsPostfixPipe() {
    assertThatThrownBy(() -> ArgvExpander.check(List.of("/bin/x", "${user?-u}")))
        .hasMessage("unknown macro name: \"user?-u\"");
    assertThatThrownBy(() -> ArgvExpander.check(List.of("/bin/x", "-f$(sender")))
        .hasMessageContaining("missing ')'");
    assertThatThrownBy(() -> ArgvExpander.check(List.of("/bin/x", "cost $")))
        .hasMessageContaining("empty macro name");
  }

  @Test
  void expand_messageMacros_onceAndLiteralDollars() {
    ArgvExpander x = new ArgvExpander(Set.of(), "+");
    List<String> argv = x.expand(List.of("-f", "${sender}", "$$HOME", "$nexthop:$size"),
        java.util.Map.of("sender", "a$b@example.org", "nexthop", "relay", "size", "42"),
        List.of(Recipient.of("b@example.org")));
    assertThat(argv).containsExactly("-f", "a$b@example.org", "$HOME", "relay:42");
  }

  @Test
  void verdict_signalAndUnknownStatus_asPostfix() {
    CommandVerdict signal = CommandVerdict.of(new CommandRun.Signaled(9, ""), "/bin/x");
    CommandVerdict other = CommandVerdict.of(new CommandRun.Exited(3, "oops "), "/bin/x");

    assertThat(signal.deferred()).isTrue();
    assertThat(signal.text()).isEqualTo("Command died with signal 9: \"/bin/x\"");
    assertThat(other.dsn()).isEqualTo("5.3.0");
    assertThat(other.text()).isEqualTo("Command died with status 3: \"/bin/x\". Command output: oops ");
    assertThat(CommandRun.printable("a\tb\r\n\u0001".getBytes())).isEqualTo("a b_ _");
  }
}
