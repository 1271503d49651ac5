package org.postern.table;

/** One key and its value, as a source file lists it and an indexed table stores it. */
public record TableEntry(String key, String value) {
  public TableEntry {
    if (key == null || value == null) {
      throw new IllegalArgumentException("table entry needs a key and a value");
    }
  }
}
