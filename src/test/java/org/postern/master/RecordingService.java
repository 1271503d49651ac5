package org.postern.master;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** A service that records its lifecycle calls in a shared journal, as "start name#n". */
final class RecordingService implements Service {
  private final ServiceContext context;
  private final int instance;
  private final boolean reloadable;
  private final List<String> journal;
  private ServiceContext current;

  RecordingService(ServiceContext context, int instance, boolean reloadable, List<String> journal) {
    this.context = context;
    this.current = context;
    this.instance = instance;
    this.reloadable = reloadable;
    this.journal = journal;
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public void start() throws IOException {
    journal.add("start " + name() + "#" + instance);
  }

  @Override
  public void stop(Duration grace) {
    journal.add("stop " + name() + "#" + instance);
  }

  @Override
  public boolean reload(ServiceContext next) {
    if (!reloadable) {
      return false;
    }
    journal.add("reload " + name() + "#" + instance);
    current = next;
    return true;
  }

  ServiceContext context() {
    return current;
  }
}
