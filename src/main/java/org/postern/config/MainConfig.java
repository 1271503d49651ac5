package org.postern.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.postern.util.ParameterList;

/**
 * The effective main.cf: registry defaults, overlaid by the file, overlaid by master.cf
 * {@code -o} overrides, values expanded on read by Postfix's {@code $name} rules.
 *
 * <p>Every daemon and command reads configuration through this class. {@link #load} reads and
 * checks everything once, so a configuration that loads can be read without errors afterwards;
 * the result is immutable.
 *
 * <p>Failure: a malformed line, a value of the wrong type for a known parameter, or an expansion
 * that recurses without end is a {@link ConfigException} naming file, line and parameter.
 * Undefined {@code $name} references, duplicate entries and unused parameters are warnings,
 * returned by {@link #warnings()} for the caller to print.
 */
public final class MainConfig {
  /** Postern's release, the value of the read-only {@code mail_version}. */
  public static final String POSTERN_VERSION = "0.1.0";

  private final Path configDirectory;
  private final Path file;
  private final Map<String, MainCf.Entry> explicit;
  private final Map<String, ParameterSpec> specs;
  private final Map<String, String> defaults;
  private final Map<String, String> overrides;
  private final MasterCf master;
  private final List<String> warnings;

  private MainConfig(Path configDirectory, Map<String, MainCf.Entry> explicit, MasterCf master,
      Map<String, String> overrides, Map<String, String> extraDefaults, List<String> warnings) {
    this.configDirectory = configDirectory;
    this.file = configDirectory.resolve("main.cf");
    this.explicit = Map.copyOf(explicit);
    this.master = master;
    this.overrides = Map.copyOf(overrides);
    Map<String, ParameterSpec> s = new HashMap<>();
    Parameters.all().forEach(p -> s.put(p.name(), p));
    ServiceParameters.of(master).forEach(p -> s.put(p.name(), p));
    this.specs = Map.copyOf(s);
    this.defaults = computeDefaults(extraDefaults);
    this.warnings = warnings;
  }

  /** Reads {@code configDirectory/main.cf} (and master.cf, when present) and checks every value. */
  public static MainConfig load(Path configDirectory) throws ConfigException {
    List<String> warnings = new ArrayList<>();
    Path file = configDirectory.resolve("main.cf");
    Map<String, MainCf.Entry> explicit = MainCf.read(file, warnings);
    MasterCf master = MasterCf.readIfPresent(configDirectory, warnings);
    MainConfig config = new MainConfig(configDirectory, explicit, master, Map.of(), Map.of(), warnings);
    config.validate(config.names(), null);
    config.checkReadOnly();
    config.checkUnused();
    return config;
  }

  /** Defaults overlaid by {@code explicit}, as if read from a main.cf in {@code configDirectory}. */
  public static MainConfig of(Path configDirectory, Map<String, String> explicit) {
    Map<String, MainCf.Entry> entries = new LinkedHashMap<>();
    explicit.forEach((name, value) -> entries.put(name, new MainCf.Entry(name, value, 0)));
    MasterCf none = MasterCf.empty(configDirectory.resolve("master.cf"));
    return new MainConfig(configDirectory, entries, none, Map.of(), Map.of(), new ArrayList<>());
  }

  /** This configuration with {@code overrides} (master.cf {@code -o} values) on top. */
  public MainConfig withOverrides(Map<String, String> overrides) throws ConfigException {
    return overlay(overrides, Map.of(), null);
  }

  /**
   * This configuration as {@code service} sees it: its {@code -o} values on top, and
   * {@code service_name} set; errors name the master.cf line.
   */
  public MainConfig withOverrides(MasterService service) throws ConfigException {
    return overlay(service.overrides(), Map.of("service_name", service.service()), service);
  }

  private MainConfig overlay(Map<String, String> more, Map<String, String> extraDefaults,
      MasterService source) throws ConfigException {
    Map<String, String> merged = new HashMap<>(overrides);
    merged.putAll(more);
    MainConfig view = new MainConfig(configDirectory, explicit, master, merged, extraDefaults,
        new ArrayList<>(warnings));
    view.validate(more.keySet(), source);
    return view;
  }

  public Path configDirectory() {
    return configDirectory;
  }

  /** The master.cf read with this configuration (empty when there is none). */
  public MasterCf masterCf() {
    return master;
  }

  /** Warnings found while loading, one line each, for the caller to print. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** The effective, expanded value of {@code name}; empty when undefined. */
  public String get(String name) {
    String raw = raw(name);
    if (raw == null) {
      return "";
    }
    if (spec(name).map(s -> s.type() == ParameterType.RAW).orElse(false)) {
      return raw;
    }
    try {
      return Expander.expand(raw, this::raw).value();
    } catch (ExpansionException e) {
      throw new IllegalStateException("parameter " + name + ": " + e.getMessage(), e);
    }
  }

  public boolean getBoolean(String name) {
    return Boolean.TRUE.equals(ParameterType.parseBoolean(get(name)));
  }

  public int getInt(String name) {
    return Integer.parseInt(get(name).strip());
  }

  /** A size value in bytes. */
  public long getSize(String name) {
    return Long.parseLong(get(name).strip());
  }

  /** A time value; a bare number is in the parameter's default unit. */
  public Duration getTime(String name) {
    char unit = spec(name).map(ParameterSpec::timeUnit).orElse('s');
    Duration d = ParameterType.parseTime(get(name), unit);
    if (d == null) {
      throw new IllegalArgumentException("parameter " + name + ": bad time value: \"" + get(name) + "\"");
    }
    return d;
  }

  /** The value split as a Postfix list (whitespace or commas, braces grouped). */
  public List<String> getList(String name) {
    return ParameterList.split(get(name));
  }

  public Path getPath(String name) {
    return Path.of(get(name));
  }

  /** Expands {@code text} against this configuration, as {@code postconf -x} does. */
  public String expand(String text) throws ConfigException {
    try {
      return Expander.expand(text, this::raw).value();
    } catch (ExpansionException e) {
      throw new ConfigException(null, 0, null, e.getMessage());
    }
  }

  /** The unexpanded effective value: override, else main.cf, else default; null if undefined. */
  public String raw(String name) {
    if (Parameters.READ_ONLY.contains(name)) {
      return defaults.get(name);
    }
    if (overrides.containsKey(name)) {
      return overrides.get(name);
    }
    MainCf.Entry e = explicit.get(name);
    return e != null ? e.value() : defaults.get(name);
  }

  /** The default text of {@code name} as {@code postconf -d} prints it. */
  public Optional<String> defaultText(String name) {
    return Optional.ofNullable(defaults.get(name));
  }

  /** The main.cf entries as written (raw values), sorted by name. */
  public Map<String, String> explicit() {
    Map<String, String> m = new TreeMap<>();
    explicit.values().forEach(e -> m.put(e.name(), e.value()));
    return m;
  }

  /** The spec of a registry or master.cf-defined parameter. */
  public Optional<ParameterSpec> spec(String name) {
    return Optional.ofNullable(specs.get(name));
  }

  /** Every parameter with a value: known ones, main.cf ones and overrides, sorted. */
  public Set<String> names() {
    Set<String> all = new TreeSet<>(specs.keySet());
    all.addAll(explicit.keySet());
    all.addAll(overrides.keySet());
    return all;
  }

  private Map<String, String> computeDefaults(Map<String, String> extra) {
    Map<String, String> d = new HashMap<>();
    specs.values().forEach(s -> d.put(s.name(), s.defaultText()));
    d.putAll(extra);
    d.put("config_directory", configDirectory.toString());
    d.put("postern_home", ConfigDirectory.posternHome().toString());
    d.put("mail_version", POSTERN_VERSION);
    d.put("myhostname", ComputedDefaults.myhostname());
    Expander.Lookup early = name -> {
      MainCf.Entry e = explicit.get(name);
      return overrides.getOrDefault(name, e != null ? e.value() : d.get(name));
    };
    d.put("mydomain", ComputedDefaults.mydomain(quietly("$myhostname", early)));
    d.put("mynetworks", ComputedDefaults.mynetworks(quietly("$mynetworks_style", early)));
    return Map.copyOf(d);
  }

  /** Expansion for computing a default; errors surface later, in {@link #validate}. */
  private static String quietly(String text, Expander.Lookup lookup) {
    try {
      return Expander.expand(text, lookup).value();
    } catch (ExpansionException e) {
      return "";
    }
  }

  private void validate(Set<String> names, MasterService source) throws ConfigException {
    Set<String> reported = new HashSet<>();
    for (String name : names) {
      String raw = raw(name);
      ParameterSpec spec = specs.get(name);
      if (raw == null || spec != null && spec.type() == ParameterType.RAW) {
        continue;
      }
      Expander.Result r;
      try {
        r = Expander.expand(raw, this::raw);
      } catch (ExpansionException e) {
        throw error(name, source, e.getMessage());
      }
      for (String u : r.undefined()) {
        if (reported.add(name + "$" + u)) {
          warnings.add(where(name, source) + "parameter " + name + ": undefined parameter: $" + u);
        }
      }
      r.warnings().forEach(w -> warnings.add(where(name, source) + "parameter " + name + ": " + w));
      String reason = spec == null ? null : spec.type().check(r.value(), spec.timeUnit());
      if (reason != null) {
        throw error(name, source, reason);
      }
    }
  }

  private ConfigException error(String name, MasterService source, String reason) {
    if (source != null && overrides.containsKey(name)) {
      return new ConfigException(source.file(), source.line(), name, reason);
    }
    MainCf.Entry e = explicit.get(name);
    if (e != null && !overrides.containsKey(name)) {
      return new ConfigException(file, e.line(), name, reason);
    }
    return new ConfigException(null, 0, name, reason);
  }

  private String where(String name, MasterService source) {
    if (source != null && overrides.containsKey(name)) {
      return source.file() + ", line " + source.line() + ": ";
    }
    MainCf.Entry e = explicit.get(name);
    return e == null || overrides.containsKey(name) ? "" : file + ", line " + e.line() + ": ";
  }

  private void checkReadOnly() {
    for (String name : Parameters.READ_ONLY) {
      MainCf.Entry e = explicit.get(name);
      if (e != null) {
        warnings.add(file + ", line " + e.line() + ": read-only parameter ignored: " + name);
      }
    }
  }

  /** Postfix's "unused parameter" warning: unknown, unreferenced, not used by master.cf. */
  private void checkUnused() {
    Set<String> used = new HashSet<>();
    explicit.values().forEach(e -> used.addAll(MainCf.references(e.value())));
    specs.values().forEach(s -> used.addAll(MainCf.references(s.defaultText())));
    for (MasterService s : master.services()) {
      used.addAll(s.overrides().keySet());
      s.overrides().values().forEach(v -> used.addAll(MainCf.references(v)));
    }
    explicit.values().stream()
        .filter(e -> !specs.containsKey(e.name()) && !used.contains(e.name()))
        .sorted((a, b) -> Integer.compare(a.line(), b.line()))
        .forEach(e -> warnings.add(
            file + ", line " + e.line() + ": unused parameter: " + e.name() + "=" + e.value()));
  }
}
