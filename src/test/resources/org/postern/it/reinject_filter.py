"""An SMTP content filter on Debian's python3-aiosmtpd for Postern's end-to-end tests.

usage: reinject_filter.py HOST PORT NEXT_PORT [--header "NAME: VALUE"]

Receives mail on HOST:PORT (plain SMTP, no STARTTLS, no REQUIRETLS), optionally adds one header
at the top, and passes each message with plain SMTP to 127.0.0.1:NEXT_PORT, Postfix
FILTER_README's re-injection smtpd. The reply to DATA is the downstream server's reply, so the
same program serves as an after-queue content filter and as an smtpd_proxy_filter
(SMTPD_PROXY_README).

Prints READY and then the events of peer_smtpd.py (whose recording server it reuses from the
same directory); <requiretls> in a DATA event says whether the client put REQUIRETLS on MAIL FROM
although this filter never announces it. The downstream dialogue goes to stderr. Stops when
stdin closes.
"""
import argparse
import asyncio
import base64
import smtplib
import sys

from peer_smtpd import CountingController, emit


def reinject(port, sender, recipients, content):
    """Plain SMTP to the re-injection smtpd: the reply to DATA, or the refusal that ended it."""
    with smtplib.SMTP("127.0.0.1", port, local_hostname="filter.test") as c:
        c.set_debuglevel(1)
        c.ehlo()
        code, text = c.mail(sender)
        if code != 250:
            return code, text
        accepted = 0
        for r in recipients:
            code, text = c.rcpt(r)
            accepted += code in (250, 251)
        if not accepted:
            return code, text
        return c.data(content)


class Handler:
    def __init__(self, args):
        self.args = args

    async def handle_DATA(self, server, session, envelope):
        emit("DATA", session.conn, session.ssl is not None, getattr(session, "requiretls", False),
             ",".join(envelope.rcpt_tos), base64.b64encode(envelope.original_content).decode())
        content = envelope.original_content
        if self.args.header:
            content = self.args.header.encode() + b"\r\n" + content
        try:
            code, text = await asyncio.to_thread(
                reinject, self.args.next_port, envelope.mail_from, envelope.rcpt_tos, content)
        except (OSError, smtplib.SMTPException) as e:
            print("reinject failed:", e, file=sys.stderr, flush=True)
            return "451 4.3.0 re-injection failed"
        return "%d %s" % (code, text.decode(errors="replace"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("next_port", type=int)
    p.add_argument("--header")
    args = p.parse_args()
    controller = CountingController(Handler(args), hostname=args.host, port=args.port,
                                    enable_SMTPUTF8=True, decode_data=False)
    controller.start()
    emit("READY")
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
