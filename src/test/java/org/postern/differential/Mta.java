package org.postern.differential;

/** The two sender MTAs a scenario runs on: the reference and the implementation under test. */
public enum Mta {
  POSTFIX("postfix"),
  POSTERN("postern");

  private final String label;

  Mta(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
