package org.postern.master;

import java.io.IOException;
import java.nio.channels.Channel;
import java.time.Duration;

/**
 * Closes a channel when a time limit passes, which unblocks a read on it: blocking UNIX-domain
 * channels have no read timeout of their own. Closing the deadline first cancels it.
 */
final class Deadline implements AutoCloseable {
  private final Thread timer;

  private Deadline(Thread timer) {
    this.timer = timer;
  }

  static Deadline closeAfter(Channel channel, Duration limit) {
    return new Deadline(
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Thread.sleep(limit);
                    channel.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // cancelled: the work finished in time
                  } catch (IOException e) {
                    // Closing a channel that already failed: nothing more to do.
                  }
                }));
  }

  @Override
  public void close() {
    timer.interrupt();
  }
}
