package org.postern.master;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.config.MasterService;

/**
 * The start-up check of Postfix's {@code postfix check}: main.cf parses, every value is valid,
 * and every master.cf service's view ({@code -o} overrides on top) is valid too.
 *
 * @param config the checked main.cf, master.cf included
 * @param services every master.cf entry, each with its own view of the configuration
 * @param warnings what the operator should read (unused parameters, undefined names)
 */
public record ConfigCheck(MainConfig config, List<ServiceView> services, List<String> warnings) {

  /** One master.cf entry and the configuration as that service sees it. */
  public record ServiceView(MasterService service, MainConfig config) {}

  public ConfigCheck {
    services = List.copyOf(services);
    warnings = List.copyOf(warnings);
  }

  /** Loads {@code configDirectory}, failing on the first bad line or value. */
  public static ConfigCheck run(Path configDirectory) throws ConfigException {
    MainConfig config = MainConfig.load(configDirectory);
    List<ServiceView> views = new ArrayList<>();
    for (MasterService service : config.masterCf().services()) {
      views.add(new ServiceView(service, config.withOverrides(service)));
    }
    return new ConfigCheck(config, views, config.warnings());
  }
}
