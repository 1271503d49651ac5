package org.postern.rewrite;

import org.postern.table.LookupTable;
import org.postern.table.TableException;

/**
 * Opens a lookup table named {@code type:name} (domain lists and {@code transport_maps}); the
 * resolver depends on the {@link LookupTable} interface only. {@code Tables::open} in production.
 */
@FunctionalInterface
public interface TableOpener {
  LookupTable open(String spec) throws TableException;
}
