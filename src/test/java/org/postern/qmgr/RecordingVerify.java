package org.postern.qmgr;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postern.deliver.VerifyClient;

/** A verify service that records the updates qmgr sends it, or fails them when told to. */
final class RecordingVerify implements VerifyClient {
  /** One update: the address, its status, the text. */
  record Update(String address, AddressStatus status, String text) {}

  final List<Update> updates = new CopyOnWriteArrayList<>();
  volatile boolean failing;
  volatile boolean negativeCache = true;

  @Override
  public Answer query(String address) {
    throw new UnsupportedOperationException("qmgr never queries");
  }

  @Override
  public void update(String address, AddressStatus status, String text) throws VerifyException {
    if (failing) {
      throw new VerifyException("verify service is not running");
    }
    updates.add(new Update(address, status, text));
  }

  @Override
  public boolean negativeCache() {
    return negativeCache;
  }
}
