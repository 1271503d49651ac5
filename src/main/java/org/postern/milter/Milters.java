package org.postern.milter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The milters of one SMTP session or one local submission, asked in order: at each envelope stage
 * the first milter that does not continue decides (a quarantine too, as in Postfix); at end of
 * message each milter sees the message as the earlier ones left it ({@link Editor} applies each
 * milter's edits before the next one reads), and again the first that does not continue decides.
 *
 * <p>The macros {@code {daemon_name}} and {@code {v}} come from the settings; everything else
 * from the caller's {@link Macros}, or else from {@code milter_macro_defaults}.
 *
 * <p>Failure: see {@link Milter}; a milter that failed answers with its default action from then
 * on. Not thread-safe.
 */
public final class Milters implements AutoCloseable {
  private final MilterSettings settings;
  private final List<Milter> milters;

  private Milters(MilterSettings settings, List<Milter> milters) {
    this.settings = settings;
    this.milters = milters;
  }

  /** No milters at all. */
  public static Milters none() {
    return new Milters(MilterSettings.NONE, List.of());
  }

  /** Connects to every milter of the list (each negotiates on its own). */
  public static Milters open(MilterSettings settings, Consumer<String> warn) {
    List<Milter> list = new ArrayList<>();
    for (MilterSpec spec : settings.milters()) {
      list.add(Milter.open(spec, settings.macros(), warn));
    }
    return new Milters(settings, List.copyOf(list));
  }

  public boolean isEmpty() {
    return milters.isEmpty();
  }

  /** Applies one milter's edits to the message, and shows the next milter the result. */
  public interface Editor {
    void apply(List<Edit> edits);

    MilterMessage message();
  }

  public Verdict connect(String name, String address, int port, Macros values) {
    return first(m -> m.connect(name, address, port, with(values)));
  }

  public Verdict helo(String name, Macros values) {
    return first(m -> m.helo(name, with(values)));
  }

  public Verdict mail(List<String> args, Macros values) {
    return first(m -> m.mail(args, with(values)));
  }

  public Verdict rcpt(List<String> args, Macros values) {
    return first(m -> m.rcpt(args, with(values)));
  }

  public Verdict data(Macros values) {
    return first(m -> m.data(with(values)));
  }

  public Verdict unknown(String command, Macros values) {
    return first(m -> m.unknown(command, with(values)));
  }

  /**
   * The content stages, milter after milter, edits applied in between; a hold keeps its
   * milter's edits and, as every decision, ends the round.
   */
  public Verdict message(Editor editor, Macros values, long bodyLimit) {
    for (Milter m : milters) {
      Milter.Eom eom = m.message(editor.message(), with(values), bodyLimit);
      Verdict v = eom.verdict();
      if (v instanceof Verdict.Continue || v instanceof Verdict.Hold) {
        editor.apply(eom.edits());
      }
      if (!(v instanceof Verdict.Continue)) {
        return v;
      }
    }
    return Verdict.CONTINUE;
  }

  /** The transaction ended without a message. */
  public void abort() {
    milters.forEach(Milter::abort);
  }

  /** True when some milter wants recipients that smtpd rejected (SMFIP_RCPT_REJ). */
  public boolean wantRejectedRecipients() {
    return milters.stream().anyMatch(Milter::wantsRejectedRecipients);
  }

  /** The session ends. */
  @Override
  public void close() {
    milters.forEach(Milter::quit);
  }

  private Verdict first(java.util.function.Function<Milter, Verdict> event) {
    for (Milter m : milters) {
      Verdict v = event.apply(m);
      if (!(v instanceof Verdict.Continue)) {
        return v;
      }
    }
    return Verdict.CONTINUE;
  }

  private Macros with(Macros values) {
    return name -> switch (name) {
      case "{daemon_name}" -> Optional.of(settings.daemonName());
      case "{v}" -> Optional.of(settings.macroV());
      default -> values.value(name).or(() -> Optional.ofNullable(settings.macroDefaults().get(name)));
    };
  }
}
