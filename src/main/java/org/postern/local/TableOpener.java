package org.postern.local;

import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * Opens the lookup tables of {@code alias_maps} by {@code type:name}; in production {@code
 * org.postern.table.Tables::open}. local does not know table types itself.
 */
@FunctionalInterface
public interface TableOpener {
  LookupTable open(String spec) throws TableException;
}
