package org.postern.sasl;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The server side of SASL as smtpd sees it (Postfix's xsasl server interface): the mechanisms on
 * offer and a request/challenge exchange. {@link DovecotAuthClient} is the implementation; tests
 * script their own.
 */
public interface SaslServer extends Closeable {
  List<Mechanism> mechanisms();

  /** Starts a request ({@code AUTH}). */
  AuthStep begin(DovecotAuthClient.Request request) throws IOException;

  /** Answers the last challenge ({@code CONT}). */
  AuthStep proceed(String base64) throws IOException;

  /** False once the connection failed; a new one is needed. */
  boolean usable();

  @Override
  void close();
}
