package org.postern.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postern.util.ParameterList;

/**
 * The effective main.cf: defaults overlaid by the file, values expanded on read.
 *
 * <p>This is the API every daemon and command reads configuration through. The first version
 * parses only {@code name = value} lines; the full Postfix rules come with the config package.
 */
public final class MainConfig {
  private final Path configDirectory;
  private final Map<String, String> explicit;

  private MainConfig(Path configDirectory, Map<String, String> explicit) {
    this.configDirectory = configDirectory;
    this.explicit = Map.copyOf(explicit);
  }

  /** Reads {@code configDirectory/main.cf}. */
  public static MainConfig load(Path configDirectory) throws ConfigException {
    Path file = configDirectory.resolve("main.cf");
    Map<String, String> values = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
          values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
      }
    } catch (IOException e) {
      throw new ConfigException(file, 0, null, "cannot read: " + e.getMessage());
    }
    return new MainConfig(configDirectory, values);
  }

  /** Defaults overlaid by {@code explicit}, as if read from a main.cf in {@code configDirectory}. */
  public static MainConfig of(Path configDirectory, Map<String, String> explicit) {
    return new MainConfig(configDirectory, explicit);
  }

  public Path configDirectory() {
    return configDirectory;
  }

  /** The effective, expanded value of {@code name}. */
  public String get(String name) {
    return explicit.getOrDefault(name, "");
  }

  public boolean getBoolean(String name) {
    return get(name).equalsIgnoreCase("yes");
  }

  public int getInt(String name) {
    return Integer.parseInt(get(name));
  }

  public Duration getTime(String name) {
    return Duration.ofSeconds(Long.parseLong(get(name)));
  }

  /** The value split as a Postfix list (whitespace or commas, braces grouped). */
  public List<String> getList(String name) {
    return ParameterList.split(get(name));
  }

  public Path getPath(String name) {
    return Path.of(get(name));
  }
}
