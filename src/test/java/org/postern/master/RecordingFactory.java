package org.postern.master;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Makes RecordingServices; can be told to fail to start a given service. */
final class RecordingFactory implements ServiceFactory {
  final List<String> journal = Collections.synchronizedList(new ArrayList<>());
  final List<RecordingService> made = new ArrayList<>();
  private final boolean reloadable;
  private String failing = "";

  RecordingFactory(boolean reloadable) {
    this.reloadable = reloadable;
  }

  /** Creating the service named {@code name} fails as a port in use would. */
  RecordingFactory failing(String name) {
    this.failing = name;
    return this;
  }

  @Override
  public Service create(ServiceContext context) throws IOException {
    if (context.name().equals(failing)) {
      throw new IOException("bind 127.0.0.1 port 2525: Address already in use");
    }
    RecordingService s = new RecordingService(context, made.size() + 1, reloadable, journal);
    made.add(s);
    return s;
  }
}
