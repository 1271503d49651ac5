package org.postern.table;

/**
 * Opens a lookup table named {@code type:name}; {@link Tables#open(String)} in production. Daemons
 * and commands take one so that they depend only on {@link LookupTable} and tests can hand them
 * in-memory tables.
 */
@FunctionalInterface
public interface TableOpener {
  LookupTable open(String spec) throws TableException;
}
