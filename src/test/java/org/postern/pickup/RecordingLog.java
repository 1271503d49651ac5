package org.postern.pickup;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects pickup's log lines, warnings prefixed as the mail log prints them. */
final class RecordingLog implements PickupLog {
  final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public void info(String message) {
    lines.add(message);
  }

  @Override
  public void warning(String message) {
    lines.add("warning: " + message);
  }
}
