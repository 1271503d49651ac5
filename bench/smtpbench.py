#!/usr/bin/env python3
"""Small SMTP tools for bench/run, standard library only, loopback only.

  wait-listen --port P --timeout S   exit 0 once something accepts on P
  wait-banner --port P --timeout S   exit 0 once P answers with a 220 banner
  sink --port P --count N --cert F --key F [--requiretls]
        an SMTP sink offering STARTTLS (and REQUIRETLS): counts messages that
        ended with "." and got 250; exits after N (0: runs until killed).
  load --port P --count N --sessions S [--requiretls] [--size B] [--timeout S]
        S parallel clients submit N messages in all over STARTTLS, one per
        session (as smtp-source does), each MAIL FROM with REQUIRETLS if asked;
        prints "sent N seconds".
  idle --port P --count N --timeout S
        opens N sessions that each read the banner, send EHLO, read the reply
        and then wait; prints "ready K" (K answered EHLO) and holds them until
        killed or --hold seconds pass.
"""
import argparse
import asyncio
import socket
import ssl
import sys
import threading
import time
import smtplib


def wait_listen(args):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
            return 0
        except OSError:
            time.sleep(0.05)
    return 1


def wait_banner(args):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", args.port), timeout=2) as s:
                if s.recv(512).startswith(b"220"):
                    s.sendall(b"QUIT\r\n")
                    return 0
        except OSError:
            pass
        time.sleep(0.1)
    return 1


class Sink:
    def __init__(self, args):
        self.count = args.count
        self.received = 0
        self.sessions = 0
        self.tls_sessions = 0
        self.requiretls = args.requiretls
        self.done = asyncio.Event()
        self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.tls.load_cert_chain(args.cert, args.key)

    async def session(self, reader, writer):
        self.sessions += 1
        try:
            await self.converse(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def converse(self, reader, writer):
        writer.write(b"220 sink.test ESMTP bench sink\r\n")
        tls = False
        while True:
            line = await reader.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                ext = [b"250-sink.test", b"250-PIPELINING", b"250-8BITMIME", b"250-SIZE 0"]
                if not tls:
                    ext.append(b"250-STARTTLS")
                elif self.requiretls:
                    ext.append(b"250-REQUIRETLS")
                ext.append(b"250 ENHANCEDSTATUSCODES")
                writer.write(b"\r\n".join(ext) + b"\r\n")
            elif verb == b"STAR":
                writer.write(b"220 2.0.0 go ahead\r\n")
                await writer.drain()
                await writer.start_tls(self.tls)
                tls = True
                self.tls_sessions += 1
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                await reader.readuntil(b"\r\n.\r\n")
                writer.write(b"250 2.0.0 Ok: discarded\r\n")
                await writer.drain()
                self.received += 1
                if self.count and self.received >= self.count:
                    self.done.set()
            elif verb == b"QUIT":
                writer.write(b"221 2.0.0 bye\r\n")
                await writer.drain()
                return
            else:  # MAIL, RCPT, RSET, NOOP
                writer.write(b"250 2.0.0 Ok\r\n")
            await writer.drain()

    async def run(self, port):
        server = await asyncio.start_server(self.session, "127.0.0.1", port, backlog=256)
        async with server:
            await self.done.wait()
        print(f"received {self.received} sessions {self.sessions} tls {self.tls_sessions}", flush=True)


def message(size):
    body = ("x" * 76 + "\r\n") * max(1, size // 78)
    return ("From: a@bench.test\r\nTo: b@sink.test\r\nSubject: bench\r\n\r\n" + body).encode()


def load(args):
    msg = message(args.size)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    remaining = [args.count]
    lock = threading.Lock()
    failures = []
    deadline = time.monotonic() + args.timeout
    opts = ["REQUIRETLS"] if args.requiretls else []

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            try:
                with smtplib.SMTP("127.0.0.1", args.port, local_hostname="client.bench.test", timeout=60) as s:
                    s.starttls(context=ctx)
                    s.ehlo("client.bench.test")
                    s.sendmail("a@bench.test", ["b@sink.test"], msg, mail_options=opts)
            except (smtplib.SMTPException, OSError) as e:
                failures.append(str(e))

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    print(f"sent {args.count - remaining[0] - len(failures)} {elapsed:.3f}", flush=True)
    for f in failures[:5]:
        print(f"failure: {f}", file=sys.stderr)
    return 1 if failures or remaining[0] else 0


async def idle(args):
    sessions = []
    answered = 0

    async def one():
        nonlocal answered
        reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
        sessions.append(writer)
        banner = await reader.readline()
        while banner[3:4] == b"-":
            banner = await reader.readline()
        writer.write(b"EHLO idle.bench.test\r\n")
        await writer.drain()
        while True:
            line = await reader.readline()
            if not line:
                return
            if line[3:4] == b" ":
                break
        answered += 1

    tasks = []
    for _ in range(args.count):
        tasks.append(asyncio.ensure_future(one()))
        await asyncio.sleep(0.0005)  # a gentle ramp, not a SYN flood
    done, pending = await asyncio.wait(tasks, timeout=args.timeout)
    errors = sum(1 for t in done if t.exception() is not None)
    print(f"ready {answered} errors {errors} pending {len(pending)}", flush=True)
    await asyncio.sleep(args.hold)
    for t in pending:
        t.cancel()
    for w in sessions:
        w.close()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("wait-listen", "wait-banner"):
        s = sub.add_parser(name)
        s.add_argument("--port", type=int, required=True)
        s.add_argument("--timeout", type=float, default=30)
    s = sub.add_parser("sink")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, default=0)
    s.add_argument("--cert", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--requiretls", action="store_true")
    s = sub.add_parser("load")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--sessions", type=int, default=20)
    s.add_argument("--size", type=int, default=4096)
    s.add_argument("--requiretls", action="store_true")
    s.add_argument("--timeout", type=float, default=600)
    s = sub.add_parser("idle")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--timeout", type=float, default=60)
    s.add_argument("--hold", type=float, default=120)
    args = p.parse_args()
    if args.cmd == "wait-listen":
        return wait_listen(args)
    if args.cmd == "wait-banner":
        return wait_banner(args)
    if args.cmd == "sink":
        asyncio.run(Sink(args).run(args.port))
        return 0
    if args.cmd == "load":
        return load(args)
    if args.cmd == "idle":
        asyncio.run(idle(args))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
