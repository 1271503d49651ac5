package org.postern.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.milter.MilterSettings;
import org.postern.table.LookupTable;
import org.postern.table.TableException;
import org.postern.table.Tables;

/**
 * Which milters a client's session gets: {@code smtpd_milter_maps} looked up by the client
 * address (a milter list, or {@code DISABLE} for none), else {@code smtpd_milters}; none at all
 * under {@code receive_override_options = no_milters} (the re-injecting smtpd of a content
 * filter), as in Postfix's setup_milters().
 *
 * <p>Failure: a table that cannot be opened, or a malformed list, is a ConfigException at
 * start-up. A lookup that fails later, or a malformed list found in a table, falls back to
 * {@code smtpd_milters} with a warning, as Postfix's maps_find() error does.
 */
final class ClientMilters {
  private final MainConfig config;
  private final MilterSettings standard;
  private final List<LookupTable> maps;
  private final boolean disabled;

  private ClientMilters(MainConfig config, MilterSettings standard, List<LookupTable> maps,
      boolean disabled) {
    this.config = config;
    this.standard = standard;
    this.maps = maps;
    this.disabled = disabled;
  }

  /** No milters for anyone. */
  static ClientMilters none(MainConfig config) {
    return new ClientMilters(config, MilterSettings.NONE, List.of(), true);
  }

  static ClientMilters fromConfig(MainConfig config) throws ConfigException {
    boolean disabled = config.getList("receive_override_options").stream()
        .anyMatch(o -> o.equalsIgnoreCase("no_milters"));
    MilterSettings standard;
    try {
      standard = MilterSettings.from(config, config.get("smtpd_milters"));
    } catch (IllegalArgumentException e) {
      throw problem(config, "smtpd_milters", e.getMessage());
    }
    List<LookupTable> maps = new ArrayList<>();
    for (String spec : config.getList("smtpd_milter_maps")) {
      try {
        maps.add(Tables.open(spec));
      } catch (TableException e) {
        throw problem(config, "smtpd_milter_maps", e.getMessage());
      }
    }
    return new ClientMilters(config, standard, List.copyOf(maps), disabled);
  }

  private static ConfigException problem(MainConfig config, String parameter, String reason) {
    return new ConfigException(config.configDirectory().resolve("main.cf"), 0, parameter, reason);
  }

  /** The milters for a client at {@code address}; empty settings for none. */
  MilterSettings forClient(String address, Consumer<String> warn) {
    if (disabled) {
      return MilterSettings.NONE;
    }
    Optional<String> mapped;
    try {
      mapped = find(address);
    } catch (TableException e) {
      warn.accept("smtpd_milter_maps lookup error for " + address + ": " + e.getMessage());
      return standard;
    }
    if (mapped.isEmpty()) {
      return standard;
    }
    if (mapped.get().strip().equalsIgnoreCase("DISABLE")) {
      return MilterSettings.NONE;
    }
    try {
      return MilterSettings.from(config, mapped.get());
    } catch (IllegalArgumentException e) {
      warn.accept("smtpd_milter_maps: bad milter list for " + address + ": " + e.getMessage());
      return standard;
    }
  }

  private Optional<String> find(String address) throws TableException {
    for (LookupTable t : maps) {
      Optional<String> v = t.find(address);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }
}
