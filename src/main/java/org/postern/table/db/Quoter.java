package org.postern.table.db;

import org.postern.table.TableException;

/**
 * How one database quotes a lookup key or part of one before it goes into a query: SQL string
 * literal escaping for pgsql: and mysql:, filter escaping for ldap:. The query template supplies
 * the surrounding quotes ({@code WHERE alias='%s'}); the quoter makes the text safe inside them.
 *
 * <p>Failure: text that cannot be quoted for the server (a NUL byte for PostgreSQL) is a {@link
 * TableException}, so the lookup fails instead of sending a query the server would misread.
 */
@FunctionalInterface
public interface Quoter {
  /** Inserts text as it is: for result templates, which Postfix never quotes. */
  Quoter NONE = text -> text;

  String quote(String text) throws TableException;
}
