package org.postern.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One master.cf entry. The five flag columns are kept as written ({@code -} means "the
 * default") so {@code postconf -M} can print them back; the accessors apply Postfix's defaults:
 * private {@code y}, unpriv {@code y}, chroot {@code n}, wakeup {@code 0}, maxproc
 * {@code $default_process_limit}.
 *
 * @param file the master.cf this came from
 * @param line the line the entry starts on
 * @param arguments the command's arguments other than {@code -o} overrides, in order
 * @param overrides the {@code -o name=value} settings, in order
 */
public record MasterService(
    Path file,
    int line,
    String service,
    ServiceType type,
    String privateField,
    String unprivField,
    String chrootField,
    String wakeupField,
    String maxprocField,
    String command,
    List<String> arguments,
    Map<String, String> overrides) {

  public MasterService {
    arguments = List.copyOf(arguments);
    overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
  }

  /** {@code service/type}, as Postfix names an entry. */
  public String name() {
    return service + "/" + type.spelling();
  }

  public boolean isPrivate() {
    return !privateField.equals("n");
  }

  public boolean isUnprivileged() {
    return !unprivField.equals("n");
  }

  public boolean isChroot() {
    return chrootField.equals("y");
  }

  /** Seconds between wake-up events, 0 for none. */
  public int wakeupSeconds() {
    String w = wakeupField.endsWith("?") ? wakeupField.substring(0, wakeupField.length() - 1) : wakeupField;
    return w.equals("-") ? 0 : Integer.parseInt(w);
  }

  /** A trailing {@code ?} on wakeup: wake only a service that has been used. */
  public boolean wakeupOnlyIfUsed() {
    return wakeupField.endsWith("?");
  }

  /** The process limit; {@code -} means {@code defaultProcessLimit} (default_process_limit). */
  public int maxproc(int defaultProcessLimit) {
    return maxprocField.equals("-") ? defaultProcessLimit : Integer.parseInt(maxprocField);
  }
}
