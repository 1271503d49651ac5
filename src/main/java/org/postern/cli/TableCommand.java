package org.postern.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.postern.config.ConfigDirectory;
import org.postern.config.ConfigException;
import org.postern.config.MainConfig;
import org.postern.table.IndexedType;
import org.postern.table.LookupTable;
import org.postern.table.TableEntry;
import org.postern.table.TableException;
import org.postern.table.Tables;
import org.postern.util.Getopt;

/**
 * What postmap(1) and postalias(1) share: {@code -q key} and {@code -q -} on any table type,
 * {@code -s} to list a table, and otherwise building each {@code [type:]file} operand from its
 * source file; they differ only in the source format. Output and exit statuses are Postfix's:
 * {@code -q} prints the value and exits 0, or exits 1 when no table has the key; {@code -q -}
 * prints {@code key<TAB>value} per key found; a fatal error prints {@code program: fatal: ...}
 * and exits 1.
 */
final class TableCommand {
  /** Reads a source file into entries; warnings are printed as the program's warnings. */
  interface SourceReader {
    List<TableEntry> read(Path file, Consumer<String> warnings) throws TableException;
  }

  /** The program's streams, so tests can run a command without a process. */
  record Io(InputStream in, PrintStream out, PrintStream err) {
    static Io system() {
      return new Io(System.in, System.out, System.err);
    }
  }

  private static final String FALLBACK_DATABASE_TYPE = "lmdb";

  private final String program;
  private final SourceReader reader;
  private final Io io;

  TableCommand(String program, SourceReader reader, Io io) {
    this.program = program;
    this.reader = reader;
    this.io = io;
  }

  /** {@code default_database_type} from main.cf in {@code dir}, or lmdb when unset. */
  static String configuredDatabaseType(String dir) throws ConfigException {
    String type = config(dir).get("default_database_type");
    return type.isEmpty() ? FALLBACK_DATABASE_TYPE : type;
  }

  /** main.cf from {@code -c DIR} (or the default directory); defaults when there is none. */
  static MainConfig config(String dir) throws ConfigException {
    Path configDirectory = ConfigDirectory.resolve(dir);
    if (Files.isRegularFile(configDirectory.resolve("main.cf"))) {
      return MainConfig.load(configDirectory);
    }
    return MainConfig.of(configDirectory, Map.of());
  }

  /**
   * Runs the command; {@code defaultType} is the type of operands without one, or null to take
   * {@code default_database_type} from the configuration that {@code -c} names.
   */
  int run(List<String> args, String defaultType) {
    Getopt options;
    String type;
    try {
      options = Getopt.parse(args, "c:Nnq:s");
      type = defaultType != null ? defaultType : configuredDatabaseType(options.value('c'));
    } catch (Getopt.UsageException e) {
      return usage(e.getMessage());
    } catch (ConfigException e) {
      return fatal(e.getMessage());
    }
    List<String> operands = options.operands();
    if (operands.isEmpty()) {
      return usage(null);
    }
    if (options.has('q') && options.has('s')) {
      return fatal("specify only one of -q and -s");
    }
    List<String> specs = operands.stream().map(o -> spec(o, type)).toList();
    try {
      if (options.has('q')) {
        String key = options.value('q');
        return key.equals("-") ? queryStdin(specs) : query(specs, key);
      }
      if (options.has('s')) {
        return list(specs);
      }
      for (String spec : specs) {
        build(spec, nulTerminated(options));
      }
      return 0;
    } catch (TableException | IOException e) {
      return fatal(e.getMessage());
    }
  }

  /** {@code [type:]file}: an operand without a type gets {@code defaultType}. */
  static String spec(String operand, String defaultType) {
    int colon = operand.indexOf(':');
    if (colon > 0 && operand.substring(0, colon).chars().allMatch(TableCommand::isTypeChar)) {
      return operand;
    }
    return defaultType + ":" + operand;
  }

  private static boolean isTypeChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }

  /** -N or -n, whichever came last, else the type's own convention (null). */
  private static Boolean nulTerminated(Getopt options) {
    Boolean nul = null;
    for (Getopt.Option o : options.options()) {
      if (o.flag() == 'N' || o.flag() == 'n') {
        nul = o.flag() == 'N';
      }
    }
    return nul;
  }

  /** Builds the indexed table {@code spec} ({@code type:file}) from the source file. */
  void build(String spec, Boolean nul) throws TableException {
    int colon = spec.indexOf(':');
    String type = spec.substring(0, colon);
    IndexedType indexed =
        IndexedType.of(type)
            .orElseThrow(
                () -> new TableException("unsupported map type for this operation: " + type
                    + " (" + program + " builds lmdb and cdb)" + Tables.berkeleyDbFix(type,
                        spec.substring(colon + 1)).map(fix -> ": " + fix).orElse("")));
    Path source = Path.of(spec.substring(colon + 1));
    List<TableEntry> entries = reader.read(source, this::warning);
    indexed.build(source, entries, nul == null ? indexed.defaultNulTerminated() : nul);
  }

  private int query(List<String> specs, String key) throws TableException {
    List<LookupTable> tables = open(specs);
    try {
      Optional<String> value = find(tables, key);
      value.ifPresent(io.out()::println);
      return value.isPresent() ? 0 : 1;
    } finally {
      tables.forEach(LookupTable::close);
    }
  }

  private int queryStdin(List<String> specs) throws TableException, IOException {
    List<LookupTable> tables = open(specs);
    boolean found = false;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8))) {
      String key;
      while ((key = in.readLine()) != null) {
        key = key.strip();
        if (key.isEmpty()) {
          continue;
        }
        Optional<String> value = find(tables, key);
        if (value.isPresent()) {
          io.out().println(key + "\t" + value.get());
          found = true;
        }
      }
    } finally {
      tables.forEach(LookupTable::close);
    }
    return found ? 0 : 1;
  }

  private int list(List<String> specs) throws TableException {
    List<LookupTable> tables = open(specs);
    try {
      for (LookupTable table : tables) {
        for (TableEntry e : table.entries()) {
          io.out().println(e.key() + "\t" + e.value());
        }
      }
      return 0;
    } finally {
      tables.forEach(LookupTable::close);
    }
  }

  private static Optional<String> find(List<LookupTable> tables, String key)
      throws TableException {
    for (LookupTable table : tables) {
      Optional<String> value = table.find(key);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  private List<LookupTable> open(List<String> specs) throws TableException {
    List<LookupTable> tables = new ArrayList<>();
    try {
      for (String spec : specs) {
        tables.add(Tables.open(spec, this::warning));
      }
    } catch (TableException e) {
      tables.forEach(LookupTable::close);
      throw e;
    }
    return tables;
  }

  private void warning(String message) {
    io.err().println(program + ": warning: " + message);
  }

  int fatal(String message) {
    io.err().println(program + ": fatal: " + message);
    return 1;
  }

  private int usage(String problem) {
    if (problem != null) {
      io.err().println(program + ": " + problem);
    }
    return fatal("usage: " + program + " [-Nns] [-c config_dir] [-q key] [map_type:]file...");
  }
}
