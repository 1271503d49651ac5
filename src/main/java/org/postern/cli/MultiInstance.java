package org.postern.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.util.Getopt;

/**
 * Several instances from the default one, as Postfix's postfix(1) hands a control command to
 * {@code multi_instance_wrapper} (postmulti, which runs postfix-wrapper's loop): when neither
 * {@code -c} nor {@code $MAIL_CONFIG} names an instance and the default main.cf lists {@code
 * multi_instance_directories}, {@code postern start|stop|reload|status|check} runs {@code postern
 * -c DIR COMMAND} for the default instance and then each listed one, in reverse order for {@code
 * stop}. {@code start} starts only instances with {@code multi_instance_enable = yes} and checks
 * the others; {@code stop} and {@code reload} skip disabled instances; {@code status} and {@code
 * check} go to every one. Postern is its own wrapper: {@code multi_instance_wrapper} only has to
 * be set, as Postfix requires.
 *
 * <p>Failure: an empty {@code multi_instance_wrapper} gives Postfix's fatal error and EX_CONFIG;
 * an instance whose configuration is broken reports it as its own command does. The exit status
 * is the last failing instance's, else 0.
 */
final class MultiInstance {
  /** The control commands postfix-wrapper runs on every instance. */
  static final Set<String> COMMANDS = Set.of("start", "stop", "reload", "status", "check");

  private MultiInstance() {}

  /** Runs {@code command} on every instance; empty when this is a single-instance command. */
  static Optional<Integer> run(String command, List<String> args)
      throws IOException, InterruptedException {
    if (!COMMANDS.contains(command) || namesInstance(args)) {
      return Optional.empty();
    }
    Path defaultDirectory = ConfigDirectory.resolve(null);
    MainConfig config;
    try {
      config = MainConfig.load(defaultDirectory);
    } catch (ConfigException e) {
      return Optional.empty(); // the command itself reports every problem
    }
    List<String> instances = config.getList("multi_instance_directories");
    if (instances.isEmpty()) {
      return Optional.empty();
    }
    if (config.get("multi_instance_wrapper").isBlank()) {
      System.err.println("postern: fatal: multi-instance support is requested, but "
          + "multi_instance_wrapper is empty");
      return Optional.of(Sysexits.EX_CONFIG);
    }
    List<Path> directories = new ArrayList<>();
    directories.add(defaultDirectory);
    instances.forEach(d -> directories.add(Path.of(d)));
    if (command.equals("stop")) {
      Collections.reverse(directories);
    }
    int status = 0;
    for (Path directory : directories) {
      String action = action(command, directory);
      if (!action.isEmpty()) {
        int s = runOne(action, directory, args);
        status = s != 0 ? s : status;
      }
    }
    return Optional.of(status);
  }

  private static boolean namesInstance(List<String> args) {
    String env = System.getenv("MAIL_CONFIG");
    if (env != null && !env.isEmpty()) {
      return true;
    }
    try {
      return Getopt.parse(args, "c:v").has('c');
    } catch (Getopt.UsageException e) {
      return true; // the command itself prints the usage
    }
  }

  /** What postfix-wrapper does with {@code command} on the instance: the command, check, or "". */
  private static String action(String command, Path directory) {
    if (command.equals("status") || command.equals("check")) {
      return command;
    }
    boolean enabled;
    try {
      enabled = MainConfig.load(directory).getBoolean("multi_instance_enable");
    } catch (ConfigException e) {
      return command.equals("start") ? "check" : command; // it says what is wrong
    }
    if (enabled) {
      return command;
    }
    return command.equals("start") ? "check" : "";
  }

  private static int runOne(String command, Path directory, List<String> args)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(ConfigDirectory.posternHome().resolve("bin").resolve("postern").toString());
    argv.addAll(List.of("-c", directory.toString(), command));
    args.stream().filter(a -> a.startsWith("-v")).forEach(argv::add);
    ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
    pb.environment().put("MAIL_CONFIG", directory.toString());
    return pb.start().waitFor();
  }
}
