package org.postern.table;

/**
 * A table could not be opened or could not answer. The message names the table and, for files,
 * {@code file, line N: reason} as Postfix does.
 */
public final class TableException extends Exception {
  private static final long serialVersionUID = 1L;

  public TableException(String message) {
    super(message);
  }

  public TableException(String message, Throwable cause) {
    super(message, cause);
  }
}
