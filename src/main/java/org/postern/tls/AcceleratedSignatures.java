package org.postern.tls;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.List;

/**
 * A provider that offers only some of another provider's signature algorithms. Installing the
 * other provider whole would also hand it the JDK's digests, ciphers and random numbers, which
 * the JDK already runs on CPU intrinsics without a native call per TLS record.
 *
 * <p>Each service delegates creation and key checks to the wrapped service, so the JCA's provider
 * selection still moves on to the JDK's providers for a key the wrapped one cannot use.
 */
final class AcceleratedSignatures extends Provider {
  static final String NAME = "PosternAcceleratedSignatures";

  AcceleratedSignatures(Provider source, List<String> algorithms) {
    super(NAME, "1", "Signatures of " + source.getName() + " " + source.getVersionStr());
    for (String algorithm : algorithms) {
      Provider.Service service = source.getService("Signature", algorithm);
      if (service != null) {
        putService(new Delegate(this, service));
      }
    }
  }

  private static final class Delegate extends Provider.Service {
    private final Provider.Service target;

    Delegate(Provider owner, Provider.Service target) {
      super(owner, target.getType(), target.getAlgorithm(), target.getClassName(), null, null);
      this.target = target;
    }

    @Override
    public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
      return target.newInstance(constructorParameter);
    }

    @Override
    public boolean supportsParameter(Object parameter) {
      return target.supportsParameter(parameter);
    }
  }
}
