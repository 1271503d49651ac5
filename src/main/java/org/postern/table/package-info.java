/**
 * Lookup tables, opened by {@code type:name} through {@link org.postern.table.Tables} (Postfix's
 * {@code dict_open()}), with Postfix's semantics so existing tables keep working:
 *
 * <ul>
 *   <li>{@code inline:}, {@code static:}, {@code texthash:} (postmap(1) source format), and the
 *       indexed {@code lmdb:} and {@code cdb:} files built by postmap(1) or postalias(1), read
 *       and written in the byte layout Postfix uses (lmdb: keys and values NUL-terminated; cdb:
 *       D. J. Bernstein's constant database, no NUL). Keys are folded to lower case: these are
 *       the fixed-string tables ({@link org.postern.table.LookupTable.MatchStyle#FIXED}).
 *   <li>{@code cidr:} (cidr_table(5)), {@code regexp:} (regexp_table(5), POSIX syntax) and
 *       {@code pcre:} (pcre_table(5), Perl syntax through {@link java.util.regex.Pattern}),
 *       from a file or inline as {@code type:{ {rule}, {rule} }}, first match wins, with
 *       {@code if}/{@code endif} and {@code !} negation; case is the pattern's business.
 *   <li>{@code socketmap:} (socketmap_table(5), netstrings) and {@code tcp:} (tcp_table(5),
 *       {@code %XX}-encoded lines), remote servers asked over one kept-open connection.
 *   <li>{@code pgsql:} and {@code mysql:} (pgsql_table(5), mysql_table(5)), SQL servers asked
 *       through pooled JDBC connections; see {@link org.postern.table.db}.
 *   <li>{@code memcache:} (memcache_table(5), {@link org.postern.table.MemcacheTable}) and
 *       {@code ldap:} (ldap_table(5), {@link org.postern.table.ldap.LdapTable}), configured by
 *       Postfix's database configuration files ({@link org.postern.table.db}).
 * </ul>
 *
 * <p>Failure: a lookup has three outcomes, a value, "not found", or a {@link
 * org.postern.table.TableException}; a remote TEMP/PERM reply, a timeout or an unreadable file
 * is an error, never "not found". A table whose source has a bad line (bad address, bad
 * expression, missing value, unbalanced if/endif) does not open: the exception reads as
 * Postfix's diagnostic, {@code cidr map /etc/postfix/clients, line 3: bad mask length in
 * "1.2.3.4/33"}. Postfix warns and skips such a rule; Postern refuses the table rather than
 * enforce a policy that is missing a rule. Doubtful but usable lines (duplicate keys) are
 * warnings.
 */
package org.postern.table;
