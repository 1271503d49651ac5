/**
 * What the database table types share (Postfix's cfg_parser and db_common): the {@code name =
 * value} configuration file of {@code pgsql:}, {@code mysql:}, {@code ldap:} and {@code
 * memcache:} tables ({@link org.postern.table.db.DbConfigFile}), and the expansion of the lookup
 * key into a query and of the values found into the result ({@link
 * org.postern.table.db.DbCommon}), with each database's own {@link org.postern.table.db.Quoter}.
 *
 * <p>Failure: a configuration file or template that cannot be used stops the table from opening
 * with a message naming file, line and parameter; a lookup that cannot be answered is a {@link
 * org.postern.table.TableException}, never "not found".
 */
package org.postern.table.db;
