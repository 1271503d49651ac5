package org.postern.verify;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.postern.deliver.VerifyClient;
import org.postern.log.ProgramLog;
import org.postern.table.DictCache;
import org.postern.table.TableException;

/**
 * The verify(8) server: keeps what is known about addresses in {@code address_verify_map} and
 * sends probe messages through the queue for addresses it does not know or must refresh.
 *
 * <ul>
 *   <li>{@code query}: an unknown address, or one whose entry expired ({@code
 *       address_verify_positive_expire_time}, {@code address_verify_negative_expire_time}), is
 *       {@code TODO} ("Address verification in progress") and gets a probe; a known one answers
 *       with its status and the delivery agent's text, and gets a probe when it is due for a
 *       refresh ({@code address_verify_positive_refresh_time}, {@code
 *       address_verify_negative_refresh_time}). While a probe is out (1000 seconds, as Postfix's
 *       PROBE_TTL) no second probe is sent.
 *   <li>{@code update}: records a probe's result; a failed probe never replaces a cached {@code
 *       OK} before it expires, so one bad day downstream does not lock out a good address.
 *   <li>With {@code address_verify_negative_cache = no} failed results are not recorded and an
 *       expired entry is removed when it is next asked for.
 * </ul>
 *
 * <p>Keys are addresses with {@code :} replaced by {@code _} (as Postfix does for IPv6 address
 * literals); values are Postfix's {@code status:probed:updated:text}.
 *
 * <p>Failure: a cache that cannot be read answers {@code DEFER} "Address verification status
 * unavailable" and sends no probe; a cache that cannot be written is a {@link VerifyException}
 * for the caller. A probe that cannot be queued is logged; the address is probed again after the
 * probe time-out.
 */
public final class AddressVerifier implements VerifyClient, AutoCloseable {
  /** Postfix's PROBE_TTL: after this many seconds a probe without an answer is taken as lost. */
  static final long PROBE_TTL = 1000;

  private static final String IN_PROGRESS = "Address verification in progress";

  private final VerifySettings settings;
  private final DictCache cache;
  private final ProbeSender probes;
  private final ProbeSenderAddress probeSender;
  private final Clock clock;
  private final ProgramLog log;
  private final ReentrantLock lock = new ReentrantLock();

  AddressVerifier(VerifySettings settings, DictCache cache, ProbeSender probes, Clock clock,
      ProgramLog log) {
    this.settings = settings;
    this.cache = cache;
    this.probes = probes;
    this.probeSender = new ProbeSenderAddress(settings.sender(), settings.senderTtl(), clock);
    this.clock = clock;
    this.log = log;
  }

  /** Opens {@code address_verify_map} and returns the server over it. */
  public static AddressVerifier open(VerifySettings settings, ProbeSender probes, Clock clock,
      ProgramLog log) throws TableException {
    return new AddressVerifier(settings,
        DictCache.open("address_verify_map", settings.map(), log::info), probes, clock, log);
  }

  @Override
  public Answer query(String address) throws VerifyException {
    String key = key(address);
    CacheEntry entry;
    boolean probe;
    // One read-modify-write at a time, as Postfix's single verify process serves one request
    // after another: a probe's result must never be overwritten by the query that sent it.
    lock.lock();
    try {
      long now = clock.instant().getEpochSecond();
      Optional<String> raw;
      try {
        raw = cache.get(key);
      } catch (TableException e) {
        log.warn(e.getMessage());
        return new Answer(AddressStatus.DEFER, "Address verification status unavailable");
      }
      entry = raw.flatMap(v -> parsed(v)).orElse(null);
      if (entry == null || (now - entry.probed() > PROBE_TTL && expired(entry, now))) {
        if (raw.isPresent() && !settings.negativeCache()) {
          write(() -> cache.delete(key));
        }
        entry = new CacheEntry(AddressStatus.TODO, 0, 0, IN_PROGRESS);
      }
      probe = now - entry.probed() > PROBE_TTL && refreshNeeded(entry, now);
      if (probe && (entry.updated() != 0 || settings.negativeCache())) {
        CacheEntry sent = new CacheEntry(entry.status(), now, entry.updated(), entry.text());
        write(() -> cache.put(key, sent.format()));
      }
    } finally {
      lock.unlock();
    }
    if (probe) {
      // After the entry records the probe: its result may arrive before this method returns.
      probe(address);
    }
    return new Answer(entry.status(), entry.text());
  }

  @Override
  public void update(String address, AddressStatus status, String text) throws VerifyException {
    if (status == AddressStatus.TODO) {
      throw new VerifyException("bad recipient status " + status.code() + " for recipient " + address);
    }
    String key = key(address);
    lock.lock();
    try {
      boolean keepOk;
      try {
        keepOk = status != AddressStatus.OK
            && cache.get(key).flatMap(CacheEntry::parse)
                .map(e -> e.status() == AddressStatus.OK).orElse(false);
      } catch (TableException e) {
        throw new VerifyException(e.getMessage(), e);
      }
      if (!keepOk) {
        CacheEntry e = new CacheEntry(status, 0, clock.instant().getEpochSecond(), printable(text));
        write(() -> cache.put(key, e.format()));
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean negativeCache() {
    return settings.negativeCache();
  }

  /**
   * One cleanup run ({@code address_verify_cache_cleanup_interval}): drops malformed and expired
   * entries that have no probe out, and logs Postfix's statistics line.
   */
  public void cleanup() {
    long now = clock.instant().getEpochSecond();
    // A memory-only cache is Postfix's internal:verify.
    String name = settings.map().isEmpty() ? "internal:verify" : settings.map();
    lock.lock(); // an entry updated during the run must not be judged by its old value
    try {
      cache.cleanup(name, e -> CacheEntry.parse(e.value())
          .filter(entry -> now - entry.probed() < PROBE_TTL || !expired(entry, now))
          .isPresent(), log::info);
    } catch (TableException e) {
      log.warn(e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  private Optional<CacheEntry> parsed(String value) {
    Optional<CacheEntry> e = CacheEntry.parse(value);
    if (e.isEmpty()) {
      log.warn("bad address verify table entry: " + (value.length() > 100 ? value.substring(0, 100) : value));
    }
    return e;
  }

  private boolean expired(CacheEntry e, long now) {
    long limit = e.status() == AddressStatus.OK
        ? settings.positiveExpire().toSeconds() : settings.negativeExpire().toSeconds();
    return e.updated() + limit < now;
  }

  private boolean refreshNeeded(CacheEntry e, long now) {
    long limit = e.status() == AddressStatus.OK
        ? settings.positiveRefresh().toSeconds() : settings.negativeRefresh().toSeconds();
    return e.updated() + limit < now;
  }

  private void probe(String address) {
    try {
      probes.send(probeSender.current(), address);
    } catch (IOException e) {
      log.warn("cannot send address verification probe for " + address + ": " + e.getMessage());
    }
  }

  private interface Write {
    void run() throws TableException;
  }

  private void write(Write w) throws VerifyException {
    try {
      w.run();
    } catch (TableException e) {
      log.warn(e.getMessage());
      throw new VerifyException(e.getMessage(), e);
    }
  }

  private static String key(String address) {
    return address.replace(':', '_');
  }

  /** Postfix's printable(text, '?'): control characters are not stored. */
  private static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
    return b.toString();
  }

  @Override
  public void close() {
    cache.close();
  }
}
