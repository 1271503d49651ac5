"""A STARTTLS-capable aiosmtpd server for the SMTP client's integration tests.

usage: aiosmtpd_tls_server.py PORT CERT KEY
Prints READY when listening, then one line per accepted message:
DELIVERED <rcpts> tls=<True|False>. Stops when stdin closes.
"""
import ssl
import sys

from aiosmtpd.controller import Controller


class Handler:
    async def handle_DATA(self, server, session, envelope):
        tls = session.ssl is not None
        print("DELIVERED %s tls=%s" % (",".join(envelope.rcpt_tos), tls), flush=True)
        return "250 2.0.0 Ok: queued"


def main():
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = Controller(Handler(), hostname="127.0.0.1", port=port,
                            tls_context=context, require_starttls=False)
    controller.start()
    print("READY", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
