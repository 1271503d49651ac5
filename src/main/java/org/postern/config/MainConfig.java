package org.postern.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.postern.util.MacroExpansion;
import org.postern.util.ParameterList;

/**
 * The effective main.cf: registry defaults, overlaid by the file, overlaid by master.cf
 * {@code -o} overrides, values expanded on read by Postfix's {@code $name} rules.
 *
 * <p>Every daemon and command reads configuration through this class. {@link #load} reads and
 * checks everything once, so a configuration that loads can be read without errors afterwards;
 * the result is immutable. {@link #load(Path, Collection)} is the short-lived command's form: both
 * files are parsed whole, but only the values the command reads are checked, at load or when
 * first read, as Postfix's commands check only the parameters they use.
 *
 * <p>The defaults computed from the host ({@code myhostname}, {@code mydomain}, {@code
 * mynetworks}, see {@link ComputedDefaults}) are computed when first needed: enumerating the
 * network interfaces costs a command that never reads {@code mynetworks} a noticeable part of its
 * run.
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
  /** The parameters master.cf's transports define; the registry's are {@link Parameters}'. */
  private final Map<String, ParameterSpec> serviceSpecs;
  private final Map<String, String> extraDefaults;
  private final String posternHome;
  private final Map<String, String> overrides;
  private final MasterCf master;
  private final List<String> warnings;
  /** Null when every value was checked at load; else the names that were. */
  private final Set<String> checked;
  private final Lazy myhostname = new Lazy(ComputedDefaults::myhostname);
  private final Lazy mydomain = new Lazy(() ->
      ComputedDefaults.mydomain(quietly("$myhostname", early(Set.of("myhostname")))));
  private final Lazy mynetworks = new Lazy(() ->
      ComputedDefaults.mynetworks(quietly("$mynetworks_style",
          early(Set.of("myhostname", "mydomain")))));

  private MainConfig(Path configDirectory, Map<String, MainCf.Entry> explicit, MasterCf master,
      Map<String, ParameterSpec> serviceSpecs, Map<String, String> overrides,
      Map<String, String> extraDefaults, List<String> warnings, Set<String> checked) {
    this.configDirectory = configDirectory;
    this.file = configDirectory.resolve("main.cf");
    this.explicit = Map.copyOf(explicit);
    this.master = master;
    this.serviceSpecs = serviceSpecs;
    this.overrides = Map.copyOf(overrides);
    this.extraDefaults = Map.copyOf(extraDefaults);
    this.posternHome = ConfigDirectory.posternHome().toString();
    this.warnings = warnings;
    this.checked = checked;
  }

  /** Reads {@code configDirectory/main.cf} (and master.cf, when present) and checks every value. */
  public static MainConfig load(Path configDirectory) throws ConfigException {
    List<ConfigException> errors = new ArrayList<>();
    MainConfig config = loadChecking(configDirectory, errors);
    if (!errors.isEmpty()) {
      throw ConfigException.of(errors);
    }
    return config;
  }

  /**
   * Reads and checks as {@link #load(Path)} does, but adds every bad value to {@code errors}
   * instead of stopping at the first, so that {@code postern check} can list them all. The
   * result must not be used to run anything when {@code errors} is not empty. Only a file that
   * cannot be parsed at all is thrown.
   */
  public static MainConfig loadChecking(Path configDirectory, List<ConfigException> errors)
      throws ConfigException {
    MainConfig config = read(configDirectory, new ArrayList<>(), null);
    config.validate(config.names(), null, errors);
    config.checkReadOnly();
    config.checkUnused();
    config.checkSupport(config.explicit.keySet(), null, errors);
    return config;
  }

  /**
   * Reads {@code configDirectory/main.cf} and master.cf as {@link #load(Path)} does, but checks
   * only the values of {@code names}: what a short-lived command reads. Another name's value is
   * checked when first read, and a bad one is then an IllegalStateException with the message
   * {@link #load(Path)} would have given. Warnings are those of reading the files and of {@code
   * names}; {@code postern check} reports the rest.
   */
  public static MainConfig load(Path configDirectory, Collection<String> names)
      throws ConfigException {
    MainConfig config = read(configDirectory, new ArrayList<>(), Set.copyOf(names));
    List<ConfigException> errors = new ArrayList<>();
    config.validate(config.checked, null, errors);
    if (!errors.isEmpty()) {
      throw ConfigException.of(errors);
    }
    return config;
  }

  private static MainConfig read(Path configDirectory, List<String> warnings, Set<String> checked)
      throws ConfigException {
    Map<String, MainCf.Entry> explicit = MainCf.read(configDirectory.resolve("main.cf"), warnings);
    MasterCf master = MasterCf.readIfPresent(configDirectory, warnings);
    return new MainConfig(configDirectory, explicit, master, serviceSpecs(master), Map.of(),
        Map.of(), warnings, checked);
  }

  /** Defaults overlaid by {@code explicit}, as if read from a main.cf in {@code configDirectory}. */
  public static MainConfig of(Path configDirectory, Map<String, String> explicit) {
    Map<String, MainCf.Entry> entries = new LinkedHashMap<>();
    explicit.forEach((name, value) -> entries.put(name, new MainCf.Entry(name, value, 0)));
    MasterCf none = MasterCf.empty(configDirectory.resolve("master.cf"));
    return new MainConfig(configDirectory, entries, none, Map.of(), Map.of(), Map.of(),
        new ArrayList<>(), null);
  }

  private static Map<String, ParameterSpec> serviceSpecs(MasterCf master) {
    Map<String, ParameterSpec> m = new HashMap<>();
    ServiceParameters.of(master).forEach(p -> m.put(p.name(), p));
    return Map.copyOf(m);
  }

  /** This configuration with {@code overrides} (master.cf {@code -o} values) on top. */
  public MainConfig withOverrides(Map<String, String> overrides) throws ConfigException {
    return checked(errors -> overlay(overrides, Map.of(), null, errors));
  }

  /**
   * This configuration as {@code service} sees it: its {@code -o} values on top, and
   * {@code service_name} set; errors name the master.cf line.
   */
  public MainConfig withOverrides(MasterService service) throws ConfigException {
    return checked(errors -> withOverrides(service, errors));
  }

  /**
   * As {@link #withOverrides(MasterService)}, but every bad {@code -o} value goes to {@code
   * errors}; the view must not be used to run anything when it is not empty.
   */
  public MainConfig withOverrides(MasterService service, List<ConfigException> errors) {
    return overlay(service.overrides(), Map.of("service_name", service.service()), service, errors);
  }

  private interface Checking {
    MainConfig run(List<ConfigException> errors);
  }

  private static MainConfig checked(Checking step) throws ConfigException {
    List<ConfigException> errors = new ArrayList<>();
    MainConfig result = step.run(errors);
    if (!errors.isEmpty()) {
      throw ConfigException.of(errors);
    }
    return result;
  }

  private MainConfig overlay(Map<String, String> more, Map<String, String> extraDefaults,
      MasterService source, List<ConfigException> errors) {
    Map<String, String> merged = new HashMap<>(overrides);
    merged.putAll(more);
    Set<String> viewChecked = null;
    if (checked != null) {
      viewChecked = new HashSet<>(checked);
      viewChecked.addAll(more.keySet()); // checked below, naming master.cf's line
    }
    MainConfig view = new MainConfig(configDirectory, explicit, master, serviceSpecs, merged,
        extraDefaults, new ArrayList<>(warnings),
        viewChecked == null ? null : Set.copyOf(viewChecked));
    view.validate(more.keySet(), source, errors);
    view.checkSupport(more.keySet(), source, errors);
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
    if (checked != null && !checked.contains(name)) {
      checkOnRead(name);
    }
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
      return defaultValue(name);
    }
    if (overrides.containsKey(name)) {
      return overrides.get(name);
    }
    MainCf.Entry e = explicit.get(name);
    return e != null ? e.value() : defaultValue(name);
  }

  /** The default text of {@code name} as {@code postconf -d} prints it. */
  public Optional<String> defaultText(String name) {
    return Optional.ofNullable(defaultValue(name));
  }

  /**
   * The default: a computed one, else master.cf's {@code service_name}, else the spec's text;
   * null for an unknown name.
   */
  private String defaultValue(String name) {
    return switch (name) {
      case "config_directory" -> configDirectory.toString();
      case "postern_home" -> posternHome;
      case "mail_version" -> POSTERN_VERSION;
      case "myhostname" -> myhostname.get();
      case "mydomain" -> mydomain.get();
      case "mynetworks" -> mynetworks.get();
      default -> {
        String extra = extraDefaults.get(name);
        yield extra != null ? extra : spec(name).map(ParameterSpec::defaultText).orElse(null);
      }
    };
  }

  /**
   * The value lookup a computed default is expanded with: the computed defaults in {@code ready}
   * and every other value, while the computed defaults not yet ready stand for their (empty)
   * registry text, so that a default defined through another ends, as Postfix's does.
   */
  private MacroExpansion.Lookup early(Set<String> ready) {
    return name -> {
      if (overrides.containsKey(name)) {
        return overrides.get(name);
      }
      MainCf.Entry e = explicit.get(name);
      if (e != null) {
        return e.value();
      }
      if (!ready.contains(name) && (name.equals("mydomain") || name.equals("mynetworks"))) {
        return spec(name).map(ParameterSpec::defaultText).orElse(null);
      }
      return defaultValue(name);
    };
  }

  /** The main.cf entries as written (raw values), sorted by name. */
  public Map<String, String> explicit() {
    Map<String, String> m = new TreeMap<>();
    explicit.values().forEach(e -> m.put(e.name(), e.value()));
    return m;
  }

  /** The spec of a registry or master.cf-defined parameter. */
  public Optional<ParameterSpec> spec(String name) {
    ParameterSpec s = serviceSpecs.get(name);
    return s != null ? Optional.of(s) : Parameters.spec(name);
  }

  /** Every parameter with a value: known ones, main.cf ones and overrides, sorted. */
  public Set<String> names() {
    Set<String> all = new TreeSet<>(serviceSpecs.keySet());
    Parameters.all().forEach(p -> all.add(p.name()));
    all.addAll(explicit.keySet());
    all.addAll(overrides.keySet());
    return all;
  }

  /** Expansion for computing a default; errors surface later, in {@link #validate}. */
  private static String quietly(String text, MacroExpansion.Lookup lookup) {
    try {
      return Expander.expand(text, lookup).value();
    } catch (ExpansionException e) {
      return "";
    }
  }

  private void validate(Set<String> names, MasterService source, List<ConfigException> errors) {
    for (String name : names) {
      try {
        check(name, source, warnings);
      } catch (ConfigException e) {
        errors.add(e);
      }
    }
  }

  /**
   * What {@link ParameterSupport} says of each of {@code names} that is set here to something
   * other than its default: a warning for an unsupported parameter, an error for a refused one.
   */
  private void checkSupport(Set<String> names, MasterService source, List<ConfigException> errors) {
    Set<String> unsupportedPerTransport = ServiceParameters.unsupported(master);
    for (String name : new TreeSet<>(names)) {
      ParameterSupport support = unsupportedPerTransport.contains(name)
          ? ParameterSupport.unsupported() : ParameterSupport.of(name);
      if (support.level() == ParameterSupport.Level.SUPPORTED || isDefault(name)
          || ParameterSupport.inert(name, raw(name))) {
        continue;
      }
      if (support.level() == ParameterSupport.Level.UNSUPPORTED) {
        warnings.add(where(name, source) + "parameter " + name
            + ": not supported by Postern; setting ignored");
      } else {
        errors.add(error(name, source, "not supported by Postern, and ignoring it would be"
            + " unsafe: " + support.consequence() + "; remove the setting or set it to the"
            + " default (\"" + spec(name).map(ParameterSpec::defaultText).orElse("") + "\")"));
      }
    }
  }

  /** True when the effective text of {@code name} is its default, whitespace aside. */
  private boolean isDefault(String name) {
    String value = raw(name);
    String text = spec(name).map(ParameterSpec::defaultText).orElse(null);
    return value != null && text != null && normalized(value).equals(normalized(text));
  }

  private static String normalized(String text) {
    return String.join(" ", text.strip().split("[\\s,]+"));
  }

  /** Expands {@code name} and checks its type; its warnings go to {@code sink}. */
  private void check(String name, MasterService source, List<String> sink)
      throws ConfigException {
    String raw = raw(name);
    ParameterSpec spec = spec(name).orElse(null);
    if (raw == null || spec != null && spec.type() == ParameterType.RAW) {
      return;
    }
    MacroExpansion.Result r;
    try {
      r = Expander.expand(raw, this::raw);
    } catch (ExpansionException e) {
      throw error(name, source, e.getMessage());
    }
    for (String u : r.undefined()) {
      sink.add(where(name, source) + "parameter " + name + ": undefined parameter: $" + u);
    }
    r.warnings().forEach(w -> sink.add(where(name, source) + "parameter " + name + ": " + w));
    String reason = spec == null ? null : spec.type().check(r.value(), spec.timeUnit());
    if (reason != null) {
      throw error(name, source, reason);
    }
  }

  /** The check {@link #load(Path)} makes, for a name the short form did not check. */
  private void checkOnRead(String name) {
    try {
      check(name, null, new ArrayList<>());
    } catch (ConfigException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * A problem with the value of {@code name} found by a check outside this class (a table it
   * names), located as a bad value would be: the master.cf line of {@code source}'s {@code -o},
   * else the main.cf line.
   */
  public ConfigException problem(String name, MasterService source, String reason) {
    return error(name, source, reason);
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
    Parameters.all().forEach(s -> used.addAll(MainCf.references(s.defaultText())));
    serviceSpecs.values().forEach(s -> used.addAll(MainCf.references(s.defaultText())));
    for (MasterService s : master.services()) {
      used.addAll(s.overrides().keySet());
      s.overrides().values().forEach(v -> used.addAll(MainCf.references(v)));
    }
    // As postconf: a restriction class is a parameter smtpd reads by the name the list gives.
    String classes = raw("smtpd_restriction_classes");
    if (classes != null) {
      used.addAll(ParameterList.split(classes));
    }
    explicit.values().stream()
        .filter(e -> spec(e.name()).isEmpty() && !used.contains(e.name()))
        .sorted((a, b) -> Integer.compare(a.line(), b.line()))
        .forEach(e -> warnings.add(
            file + ", line " + e.line() + ": unused parameter: " + e.name() + "=" + e.value()));
  }

  /** A computed default, computed once when first read. */
  private static final class Lazy {
    private final Supplier<String> compute;
    private volatile String value;

    Lazy(Supplier<String> compute) {
      this.compute = compute;
    }

    String get() {
      String v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = compute.get();
            value = v;
          }
        }
      }
      return v;
    }
  }
}
