package org.postern.table;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.postern.table.db.DbCommon;
import org.postern.table.db.DbConfigFile;
import org.postern.table.db.Quoter;

/**
 * {@code memcache:/etc/postfix/file.cf} (memcache_table(5)): lookups, updates and deletes on one
 * memcached ({@code memcache = inet:host:port} or {@code unix:/path}), with an optional {@code
 * backup} table behind it. The key the server sees is the lookup key, lower-cased, expanded by
 * {@code key_format} ({@code %s %u %d %[SUD] %[1-9]}, no quoting) and, with {@code key_digest},
 * replaced by the named digest in lower-case hex; updates carry {@code flags} and expire after
 * {@code ttl} seconds. With a {@code domain} list only addresses in those domains are asked for.
 * A lookup that memcached misses goes to the backup table, and a value found there is stored in
 * memcached.
 *
 * <p>Keys that cannot be asked for (empty, outside {@code domain}, an empty expansion, blanks or
 * control characters in the expanded key) are not found; an update of one is skipped with a
 * warning, as Postfix skips it.
 *
 * <p>Failure: a bad configuration file is a {@link TableException} when the table is opened; a
 * memcached that is down, slow or hostile is a TableException from the operation after {@code
 * max_try} tries: Postfix's temporary lookup failure, never "not found".
 */
final class MemcacheTable extends TableBase {
  private static final Set<String> PARAMETERS = Set.of("memcache", "backup", "key_format",
      "key_digest", "ttl", "flags", "domain", "data_size_limit", "line_size_limit", "max_try",
      "retry_pause", "timeout");

  private final MemcacheClient client;
  private final DbCommon keys;
  private final Optional<String> digest;
  private final int ttl;
  private final int flags;
  private final Optional<String> backupSpec;
  private final Optional<LookupTable> backup;
  private final Consumer<String> warnings;

  private MemcacheTable(String spec, MatchStyle style, MemcacheClient client, DbCommon keys,
      Optional<String> digest, int ttl, int flags, Optional<String> backupSpec,
      Optional<LookupTable> backup, Consumer<String> warnings) {
    super(spec, style);
    this.client = client;
    this.keys = keys;
    this.digest = digest;
    this.ttl = ttl;
    this.flags = flags;
    this.backupSpec = backupSpec;
    this.backup = backup;
    this.warnings = warnings;
  }

  /**
   * Opens {@code spec} ({@code memcache:name}); with {@code openBackup} its {@code backup}
   * table is opened for lookups, else the caller opens it ({@link #backupSpec()}).
   */
  static MemcacheTable open(String spec, String name, boolean openBackup,
      Consumer<String> warnings) throws TableException {
    DbConfigFile cf = DbConfigFile.read(Path.of(name), PARAMETERS, warnings);
    String keyFormat = cf.string("key_format", "%s");
    DbCommon keys = DbCommon.parse(spec, cf, keyFormat, s -> Tables.open(s, warnings), warnings);
    MemcacheClient.Limits limits = new MemcacheClient.Limits(
        cf.integer("max_try", 2, 1, Integer.MAX_VALUE),
        Duration.ofSeconds(cf.integer("retry_pause", 1, 1, Integer.MAX_VALUE)),
        // Every command needs a deadline: a timeout of 0 would fail each one at once.
        Duration.ofSeconds(cf.integer("timeout", 2, 1, Integer.MAX_VALUE)),
        cf.integer("line_size_limit", 1024, 1, Integer.MAX_VALUE),
        cf.integer("data_size_limit", 10240, 1, Integer.MAX_VALUE));
    Optional<String> backupSpec = cf.find("backup").filter(b -> !b.isBlank());
    Optional<LookupTable> backup = openBackup && backupSpec.isPresent()
        ? Optional.of(Tables.open(backupSpec.get(), warnings)) : Optional.empty();
    MatchStyle style = keyFormat.matches(".*%[udUD1-9].*") ? MatchStyle.PATTERN : MatchStyle.FIXED;
    return new MemcacheTable(spec, style,
        new MemcacheClient(spec, cf.string("memcache", "inet:localhost:11211"), limits), keys,
        digest(cf), cf.integer("ttl", 3600, 0, Integer.MAX_VALUE),
        cf.integer("flags", 0, 0, Integer.MAX_VALUE), backupSpec, backup, warnings);
  }

  /** {@code key_digest}, an OpenSSL digest name ({@code sha256}), as the JDK spells it. */
  private static Optional<String> digest(DbConfigFile cf) throws TableException {
    String name = cf.string("key_digest", "").trim();
    if (name.isEmpty()) {
      return Optional.empty();
    }
    String upper = name.toUpperCase(Locale.ROOT);
    for (String jdk : List.of(upper, upper.replaceFirst("^SHA(\\d)", "SHA-$1"))) {
      try {
        MessageDigest.getInstance(jdk);
        return Optional.of(jdk);
      } catch (NoSuchAlgorithmException e) {
        // Try the next spelling.
      }
    }
    throw cf.problem("key_digest", "key digest " + name + " is not available");
  }

  /** The {@code backup} table named in the configuration file, if any. */
  Optional<String> backupSpec() {
    return backupSpec;
  }

  @Override
  public Optional<String> find(String key) throws TableException {
    Optional<String> serverKey = serverKey(key, false);
    Optional<String> value = serverKey.isEmpty() ? Optional.empty() : client.get(serverKey.get());
    if (value.isPresent() || backup.isEmpty()) {
      return value;
    }
    Optional<String> saved = backup.get().find(key);
    if (saved.isPresent() && serverKey.isPresent()) {
      client.set(serverKey.get(), saved.get(), flags, ttl, warnings);
    }
    return saved;
  }

  /** The value memcached holds for {@code key}, without the backup table. */
  Optional<String> get(String key) throws TableException {
    Optional<String> serverKey = serverKey(key, false);
    return serverKey.isEmpty() ? Optional.empty() : client.get(serverKey.get());
  }

  /** Stores {@code value} under {@code key} in memcached; a key it cannot take is skipped. */
  void put(String key, String value) throws TableException {
    Optional<String> serverKey = serverKey(key, true);
    if (serverKey.isPresent()) {
      client.set(serverKey.get(), value, flags, ttl, warnings);
    }
  }

  /** Deletes {@code key} from memcached. */
  void delete(String key) throws TableException {
    Optional<String> serverKey = serverKey(key, false);
    if (serverKey.isPresent()) {
      client.delete(serverKey.get());
    }
  }

  /**
   * The key memcached sees, or empty when {@code key} cannot be asked for ({@code update}:
   * with a warning, since the update is lost).
   */
  private Optional<String> serverKey(String key, boolean update) throws TableException {
    String folded = key.toLowerCase(Locale.ROOT);
    String why = null;
    Optional<String> expanded = Optional.empty();
    if (folded.isEmpty()) {
      why = "empty lookup key";
    } else if (!keys.queried(folded)) {
      why = "domain mismatch";
    } else {
      expanded = keys.query(folded, Quoter.NONE).map(this::digested);
      if (expanded.isEmpty()) {
        why = "empty lookup key expansion";
      } else if (expanded.get().chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        why = "name contains space or controls";
        expanded = Optional.empty();
      }
    }
    if (why != null && update) {
      warnings.accept(spec() + ": skipping update for name \"" + key + "\": " + why);
    }
    return expanded;
  }

  private String digested(String key) {
    if (digest.isEmpty()) {
      return key;
    }
    try {
      byte[] d = MessageDigest.getInstance(digest.get()).digest(key.getBytes(UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("digest " + digest.get() + " was there at open", e);
    }
  }

  /** The backup table's entries: memcached cannot list its keys. */
  @Override
  public List<TableEntry> entries() throws TableException {
    if (backup.isEmpty()) {
      throw failure("first/next support requires backup database");
    }
    return backup.get().entries();
  }

  @Override
  public void close() {
    client.close();
    backup.ifPresent(LookupTable::close);
  }
}
