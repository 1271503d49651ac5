package org.postern.master;

import java.util.function.Consumer;
import org.postern.log.ProgramLog;
import sun.misc.Signal;

/**
 * The master's signals, as Postfix's master takes them: SIGTERM and SIGINT stop gracefully and
 * the log says which signal ({@code terminating on signal 15}); SIGHUP reloads. A JVM shutdown
 * hook cannot tell one signal from another, hence {@code sun.misc.Signal} (module
 * jdk.unsupported, kept for exactly this use).
 *
 * <p>Failure: a signal the JVM will not hand over (running with {@code -Xrs}) is logged as a
 * warning; the master's shutdown hook still stops it gracefully, without the signal number.
 */
final class Signals {
  private Signals() {}

  static void install(Consumer<String> stop, Runnable reload, ProgramLog log) {
    for (String name : new String[] {"TERM", "INT"}) {
      handle(name, s -> stop.accept("terminating on signal " + s.getNumber()), log);
    }
    handle("HUP", s -> reload.run(), log);
  }

  private static void handle(String name, Consumer<Signal> action, ProgramLog log) {
    try {
      Signal.handle(new Signal(name), action::accept);
    } catch (IllegalArgumentException e) {
      log.warn("cannot handle SIG" + name + ": " + e.getMessage());
    }
  }
}
