package org.postern.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OpenSSL cipher string ({@code aNULL:-aNULL:HIGH:!MD5:@STRENGTH}, ciphers(1ssl)) evaluated
 * over the cipher suites JSSE has, as Postfix hands its {@code tls_*_cipherlist} grades and
 * {@code *_exclude_ciphers} lists to OpenSSL.
 *
 * <p>Grammar: elements separated by {@code :}, comma, {@code ;} or space; an element is a name, or
 * names joined with {@code +} (suites that have all of them), after an optional operator: none
 * adds the suites not yet in the list at its end, {@code -} takes them out (a later element may
 * add them again), {@code !} takes them out for good, {@code +} moves them to the end. {@code
 * @STRENGTH} sorts the list by key length, longest first; {@code @SECLEVEL=n} is accepted and
 * has no effect (JSSE's {@code jdk.tls.disabledAlgorithms} plays that part). A name is an OpenSSL
 * alias ({@link #ALIASES}), an OpenSSL cipher name ({@code ECDHE-RSA-AES128-GCM-SHA256}), a JSSE
 * (IANA) name, or a historic OpenSSL cipher name made of known parts ({@code KRB5-DES-CBC3-SHA},
 * {@code DES-CBC3-MD5}) that names no suite JSSE has. The order of the suites before any rule
 * is JSSE's own preference order.
 *
 * <p>TLS 1.3 suites are not subject to cipher strings, as with OpenSSL: their names are accepted
 * and match nothing.
 *
 * <p>Failure: a name that is none of these, {@code DEFAULT}, {@code FIPS} and other OpenSSL
 * keywords Postern does not model, or an unknown {@code @} command throw {@link
 * TlsConfigException} naming the parameter, where OpenSSL would ignore or refuse them.
 */
final class CipherString {
  /** The OpenSSL aliases understood, current and historic; many match no JSSE suite. */
  static final Set<String> ALIASES = Set.of(
      "ALL", "COMPLEMENTOFALL", "HIGH", "MEDIUM", "LOW", "EXP", "EXPORT", "EXPORT40", "EXPORT56",
      "kRSA", "RSA", "aRSA", "kDHE", "kEDH", "DH", "DHE", "EDH", "ADH", "aDSS", "DSS", "kDH",
      "kDHr", "kDHd", "aDH", "kECDHE", "kEECDH", "ECDH", "ECDHE", "EECDH", "AECDH", "aECDSA",
      "ECDSA", "kECDH", "kECDHr", "kECDHe", "aECDH", "aNULL", "eNULL", "NULL", "kKRB5", "aKRB5",
      "KRB5", "PSK", "kPSK", "aPSK", "kRSAPSK", "kDHEPSK", "kECDHEPSK", "SRP", "kSRP", "aSRP",
      "kGOST", "kGOST18", "aGOST", "aGOST01", "aGOST12", "aGOST94", "GOST94", "GOST89MAC",
      "GOST12", "GOST2012", "GOST89", "kFZA", "aFZA", "eFZA", "FZA", "AES", "AES128", "AES256",
      "AESGCM", "AESCCM", "AESCCM8", "CHACHA20", "CAMELLIA", "CAMELLIA128", "CAMELLIA256", "ARIA",
      "ARIA128", "ARIA256", "ARIAGCM", "3DES", "DES", "RC4", "RC2", "RC5", "IDEA", "SEED", "CBC", "MD5",
      "SHA1", "SHA", "SHA256", "SHA384", "SSLv2", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.2");

  /** The parts of OpenSSL cipher names, for historic names of suites JSSE does not have. */
  private static final Set<String> NAME_PARTS = Set.of(
      "EXP", "EXP1024", "ADH", "AECDH", "EDH", "DHE", "ECDHE", "ECDH", "DH", "RSA", "DSS",
      "ECDSA", "PSK", "SRP", "KRB5", "NULL", "RC4", "RC2", "DES", "CBC", "CBC3", "3DES", "IDEA",
      "SEED", "AES", "AES128", "AES256", "GCM", "CCM", "CCM8", "CAMELLIA", "CAMELLIA128",
      "CAMELLIA256", "CHACHA20", "POLY1305", "ARIA", "ARIA128", "ARIA256", "SHA", "SHA256",
      "SHA384", "MD5", "40", "56", "64", "GOST", "GOST94", "GOST89", "GOST2001", "GOST2012",
      "IMIT", "CNT", "MAGMA", "KUZNYECHIK", "CTR", "OMAC", "FZA");

  private static final Pattern SEPARATORS = Pattern.compile("[:,; \\t]+");
  private static final Pattern TLS13_NAME = Pattern.compile("TLS_[A-Z0-9_]+_SHA(256|384)");

  /** The suites in play, active or not, in their current order. */
  private final List<CipherSuite> order;
  private final Set<CipherSuite> active = new HashSet<>();

  private CipherString(List<CipherSuite> universe) {
    this.order = new ArrayList<>(universe.stream().filter(s -> !s.tls13()).toList());
  }

  /** The suites of {@code universe} that {@code text} selects, in the order it gives them. */
  static List<CipherSuite> select(List<CipherSuite> universe, String text, String parameter)
      throws TlsConfigException {
    CipherString s = new CipherString(universe);
    s.apply(text, parameter);
    return s.result();
  }

  /** {@code selected} without the suites any element of {@code exclusions} names. */
  static List<CipherSuite> exclude(List<CipherSuite> selected, String exclusions,
      String parameter) throws TlsConfigException {
    CipherString s = new CipherString(selected);
    s.active.addAll(s.order);
    for (String element : SEPARATORS.split(exclusions.strip())) {
      if (element.isEmpty()) {
        continue;
      }
      if ("!+-@".indexOf(element.charAt(0)) >= 0) {
        throw new TlsConfigException(
            parameter + ": invalid unary '!+-@' in cipher exclusion: " + element);
      }
      s.kill(s.matching(element, parameter));
    }
    return s.result();
  }

  private void apply(String text, String parameter) throws TlsConfigException {
    for (String element : SEPARATORS.split(text.strip())) {
      if (element.isEmpty()) {
        continue;
      }
      char op = element.charAt(0);
      if (op == '@') {
        command(element, parameter);
        continue;
      }
      String names = "!-+".indexOf(op) >= 0 ? element.substring(1) : element;
      List<CipherSuite> matching = matching(names, parameter);
      switch (op) {
        case '!' -> kill(matching);
        case '-' -> delete(matching);
        case '+' -> moveToEnd(matching);
        default -> add(matching);
      }
    }
  }

  private void command(String element, String parameter) throws TlsConfigException {
    if (element.equals("@STRENGTH")) {
      List<CipherSuite> inactive = order.stream().filter(s -> !active.contains(s)).toList();
      List<CipherSuite> sorted = order.stream().filter(active::contains)
          .sorted(Comparator.comparingInt(CipherSuite::strengthBits).reversed()).toList();
      order.clear();
      order.addAll(inactive);
      order.addAll(sorted);
    } else if (!element.matches("@SECLEVEL=[0-5]")) {
      throw new TlsConfigException(parameter + ": unsupported cipher string command: " + element);
    }
  }

  /** The suites that have every {@code +}-joined name of {@code names}. */
  private List<CipherSuite> matching(String names, String parameter) throws TlsConfigException {
    List<CipherSuite> out = new ArrayList<>(order);
    for (String name : names.split("\\+", -1)) {
      if (!known(name)) {
        throw new TlsConfigException(parameter + ": unknown cipher name or alias: \"" + name
            + "\" (see Postern's docs/tls.md for the names it understands)");
      }
      out.removeIf(s -> !s.aliases().contains(name) && !s.openSslName().equals(name)
          && !s.jsseName().equals(name));
    }
    return out;
  }

  private boolean known(String name) {
    if (ALIASES.contains(name) || TLS13_NAME.matcher(name).matches()) {
      return true;
    }
    if (order.stream().anyMatch(s -> s.openSslName().equals(name) || s.jsseName().equals(name))
        || CipherSuite.parse(name).isPresent()) {
      return true;
    }
    String[] parts = name.split("-", -1);
    return parts.length >= 2 && Arrays.stream(parts).allMatch(NAME_PARTS::contains);
  }

  private void add(List<CipherSuite> matching) {
    for (CipherSuite s : matching) {
      if (active.add(s)) {
        order.remove(s);
        order.add(s);
      }
    }
  }

  private void delete(List<CipherSuite> matching) {
    for (CipherSuite s : matching.reversed()) {
      if (active.remove(s)) {
        order.remove(s);
        order.addFirst(s);
      }
    }
  }

  private void moveToEnd(List<CipherSuite> matching) {
    for (CipherSuite s : matching) {
      if (active.contains(s)) {
        order.remove(s);
        order.add(s);
      }
    }
  }

  private void kill(List<CipherSuite> matching) {
    order.removeAll(matching);
    matching.forEach(active::remove);
  }

  private List<CipherSuite> result() {
    return order.stream().filter(active::contains).toList();
  }
}
