package org.postern.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.util.ParameterList;

/**
 * master.cf read by Postfix's rules: logical lines as in main.cf, eight whitespace-separated
 * fields (service, type, private, unpriv, chroot, wakeup, maxproc, command) and the command's
 * arguments, where {@code -o name=value} and {@code -o { name = value }} override main.cf for
 * that service.
 *
 * <p>Failure: a short line, an unknown type, a bad flag, wakeup or maxproc column, a malformed
 * {@code -o}, or the same service/type twice is a {@link ConfigException} naming file and line.
 */
public final class MasterCf {
  private final Path file;
  private final List<MasterService> services;

  private MasterCf(Path file, List<MasterService> services) {
    this.file = file;
    this.services = List.copyOf(services);
  }

  /** Reads {@code file}; warnings about stray continuation lines go to {@code warnings}. */
  public static MasterCf read(Path file, List<String> warnings) throws ConfigException {
    List<MasterService> services = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (LogicalLines.Line line : LogicalLines.read(file, warnings)) {
      MasterService s = parse(file, line);
      if (!seen.add(s.name())) {
        throw new ConfigException(file, line.number(), null, "duplicate service definition: " + s.name());
      }
      services.add(s);
    }
    return new MasterCf(file, services);
  }

  /** master.cf in {@code directory}, or an empty table when there is none. */
  public static MasterCf readIfPresent(Path directory, List<String> warnings) throws ConfigException {
    Path file = directory.resolve("master.cf");
    if (!Files.exists(file)) {
      return empty(file);
    }
    return read(file, warnings);
  }

  /** A table with no services, standing for a missing {@code file}. */
  public static MasterCf empty(Path file) {
    return new MasterCf(file, List.of());
  }

  public Path file() {
    return file;
  }

  public List<MasterService> services() {
    return services;
  }

  /** The entry for {@code service} of {@code type}. */
  public Optional<MasterService> find(String service, ServiceType type) {
    return services.stream().filter(s -> s.service().equals(service) && s.type() == type).findFirst();
  }

  static MasterService parse(Path file, LogicalLines.Line line) throws ConfigException {
    List<String> f;
    try {
      f = ParameterList.split(line.text(), " \t");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file, line.number(), null, e.getMessage());
    }
    if (f.size() < 8) {
      throw new ConfigException(file, line.number(), null,
          "field count: expected at least 8, found " + f.size() + ": \"" + line.text() + "\"");
    }
    ServiceType type = ServiceType.of(f.get(1));
    if (type == null) {
      throw new ConfigException(file, line.number(), null, "unknown service type: \"" + f.get(1) + "\"");
    }
    String[] flags = {"private", "unpriv", "chroot"};
    for (int i = 0; i < 3; i++) {
      if (!f.get(2 + i).matches("[yn-]")) {
        throw new ConfigException(file, line.number(), null,
            "bad " + flags[i] + " field: \"" + f.get(2 + i) + "\" (expected y, n or -)");
      }
    }
    if (!f.get(5).matches("-|[0-9]{1,9}\\??")) {
      throw new ConfigException(file, line.number(), null, "bad wakeup time: \"" + f.get(5) + "\"");
    }
    if (!f.get(6).matches("-|[0-9]{1,9}")) {
      throw new ConfigException(file, line.number(), null, "bad maxproc field: \"" + f.get(6) + "\"");
    }
    List<String> arguments = new ArrayList<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    List<String> rest = f.subList(8, f.size());
    for (int i = 0; i < rest.size(); i++) {
      String arg = rest.get(i);
      if (arg.equals("-o")) {
        if (++i == rest.size()) {
          throw new ConfigException(file, line.number(), null, "-o without name=value");
        }
        override(file, line.number(), rest.get(i), overrides);
      } else if (arg.startsWith("-o") && arg.length() > 2) {
        override(file, line.number(), arg.substring(2), overrides);
      } else {
        arguments.add(arg);
      }
    }
    return new MasterService(file, line.number(), f.get(0), type, f.get(2), f.get(3), f.get(4),
        f.get(5), f.get(6), f.get(7), arguments, overrides);
  }

  private static void override(Path file, int line, String text, Map<String, String> overrides)
      throws ConfigException {
    String t = text.startsWith("{") ? ParameterList.stripBraces(text) : text;
    int eq = t.indexOf('=');
    String name = eq < 0 ? t : t.substring(0, eq).strip();
    if (eq < 0 || !MainCf.isValidName(name)) {
      throw new ConfigException(file, line, null, "-o: expected name=value, found \"" + text + "\"");
    }
    overrides.put(name, t.substring(eq + 1).strip());
  }
}
