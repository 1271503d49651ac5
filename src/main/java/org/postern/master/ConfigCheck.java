package org.postern.master;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;

/**
 * The start-up check of Postfix's {@code postfix check}: main.cf parses, every value is valid,
 * no parameter that Postern refuses to ignore is set ({@code ParameterSupport}), and every
 * master.cf service's view ({@code -o} overrides on top) is valid too. {@code postern check} adds
 * the tables that settings name ({@link #tableProblems}) and what making each service would meet
 * ({@link #serviceProblems}). Every problem is found in
 * one run: {@link #run} throws one {@link ConfigException} listing them all, and {@link
 * #serviceProblems} adds what making each service would meet (tables, key files, agents).
 *
 * @param config the checked main.cf, master.cf included
 * @param services every master.cf entry, each with its own view of the configuration
 * @param warnings what the operator should read (unused and unsupported parameters, undefined
 *     names, master.cf columns Postern does not honour)
 */
public record ConfigCheck(MainConfig config, List<ServiceView> services, List<String> warnings) {

  /** One master.cf entry and the configuration as that service sees it. */
  public record ServiceView(MasterService service, MainConfig config) {}

  public ConfigCheck {
    services = List.copyOf(services);
    warnings = List.copyOf(warnings);
  }

  /** Loads {@code configDirectory}, failing with every bad line or value at once. */
  public static ConfigCheck run(Path configDirectory) throws ConfigException {
    List<ConfigException> errors = new ArrayList<>();
    ConfigCheck check = collect(configDirectory, errors);
    if (!errors.isEmpty()) {
      throw ConfigException.of(errors);
    }
    return check;
  }

  /**
   * Every problem of {@code configDirectory} in one run, one line each: bad values and refused
   * parameters of main.cf and master.cf (by file and line), then what making each service would
   * meet, except what a bad value already explains. Empty when the configuration can start.
   * Warnings go to {@code warn}. Only a file that cannot be parsed at all is thrown.
   */
  public static List<String> problems(Path configDirectory, ServiceRegistry registry,
      Consumer<String> warn) throws ConfigException {
    List<ConfigException> errors = new ArrayList<>();
    ConfigCheck check = collect(configDirectory, errors);
    check.warnings().forEach(warn);
    return check.problemsBeyond(errors, registry, warn);
  }

  /**
   * What {@code postern check} finds in a configuration whose values passed: the tables its
   * settings name, then what making each service would meet, one line each.
   */
  public List<String> startProblems(ServiceRegistry registry, Consumer<String> warn) {
    return problemsBeyond(new ArrayList<>(), registry, warn);
  }

  /**
   * {@code errors} with the table problems added, then the service problems that neither
   * explains: "parameter smtpd_timeout:" (a bad value read), "virtual_alias_maps:" (a table
   * opened) or the table's own reason (an agent opening the same table).
   */
  private List<String> problemsBeyond(List<ConfigException> errors, ServiceRegistry registry,
      Consumer<String> warn) {
    List<ConfigException> tables = tableProblems();
    errors.addAll(tables);
    errors.sort(BY_PLACE);
    List<String> lines = new ArrayList<>();
    errors.forEach(e -> lines.addAll(e.problems()));
    Set<String> explained = new HashSet<>();
    errors.stream().map(ConfigException::parameter).filter(Objects::nonNull)
        .forEach(p -> explained.add(p + ":"));
    tables.forEach(t -> explained.add(TableAudit.reason(t)));
    for (String p : serviceProblems(registry, warn)) {
      if (explained.stream().noneMatch(p::contains)) {
        lines.add(p);
      }
    }
    return lines;
  }

  private static ConfigCheck collect(Path configDirectory, List<ConfigException> errors)
      throws ConfigException {
    MainConfig config = MainConfig.loadChecking(configDirectory, errors);
    List<String> warnings = new ArrayList<>(config.warnings());
    List<ServiceView> views = new ArrayList<>();
    for (MasterService service : config.masterCf().services()) {
      MainConfig view = config.withOverrides(service, errors);
      view.warnings().stream().skip(config.warnings().size()).forEach(warnings::add);
      views.add(new ServiceView(service, view));
    }
    chrootColumn(config, warnings);
    errors.sort(BY_PLACE);
    return new ConfigCheck(config, views, warnings);
  }

  /** main.cf's problems before master.cf's, each file's by line. */
  private static final Comparator<ConfigException> BY_PLACE =
      Comparator.comparing((ConfigException e) -> String.valueOf(e.file()))
          .thenComparingInt(ConfigException::line);

  /** Postfix chroots the entries marked {@code y}; Postern runs every service in one process. */
  private static void chrootColumn(MainConfig config, List<String> warnings) {
    List<String> chrooted = config.masterCf().services().stream()
        .filter(MasterService::isChroot).map(MasterService::name).toList();
    if (!chrooted.isEmpty()) {
      warnings.add(config.masterCf().file() + ": chroot column \"y\" is not supported by Postern"
          + " (every service runs in the master's process, unchrooted): " + String.join(", ", chrooted));
    }
  }

  /** The tables that explicit settings name and this build cannot open ({@link TableAudit}). */
  public List<ConfigException> tableProblems() {
    List<ConfigException> found = new ArrayList<>();
    TableAudit.mainCf(config, found::add);
    for (ServiceView v : services) {
      TableAudit.overrides(v.config(), v.service(), found::add);
    }
    found.sort(BY_PLACE);
    return found;
  }

  /**
   * Every problem that making this configuration's services would meet (a table that does not
   * open, a key file missing, a delivery agent that cannot be made), one line each, without
   * starting any of them: what {@code postern check} adds to the value checks.
   */
  public List<String> serviceProblems(ServiceRegistry registry, Consumer<String> warn) {
    return new ServiceTable(registry, new MailLogs(true)).audit(this, warn);
  }
}
