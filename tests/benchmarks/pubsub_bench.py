"""PUBLISH throughput to 1, 10 and 100 subscribers: shardis vs redis-server.

Not collected by pytest. Run: ``.venv/bin/python tests/benchmarks/pubsub_bench.py -n 20000``.
Each run starts both servers on free ports, subscribes N raw sockets (all
drained by one thread), then one pipelined publisher sends ``-n`` PUBLISHes in
batches of 100 and waits until every subscriber received every message.

Besides messages per second it prints each server's CPU time (user + system,
from /proc) per published message: on a shared machine that is the steadier
number, since this script's threads compete for the same cores.
"""

from __future__ import annotations

import argparse
import os
import selectors
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.servers import start_server  # noqa: E402


def command(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%b\r\n" % (len(arg), arg) for arg in args)


MESSAGE = b"*3\r\n$7\r\nmessage\r\n$5\r\nbench\r\n$5\r\nhello\r\n"
CONFIRM = b"*3\r\n$9\r\nsubscribe\r\n$5\r\nbench\r\n:1\r\n"


def subscribe(port: int) -> tuple[socket.socket, int]:
    """A subscribed socket, and how many message bytes arrived with the confirmation."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(command(b"SUBSCRIBE", b"bench"))
    received = b""
    while len(received) < len(CONFIRM):
        received += sock.recv(65536)
    return sock, len(received) - len(CONFIRM)


def drain(subscribers: list[tuple[socket.socket, int]], expected: int, done: list[float]) -> threading.Thread:
    """One thread reads every subscriber (epoll) until each got ``expected``
    messages, then records the time: a thread per socket would make the
    GIL, not the server, the limit at 100 subscribers."""
    selector = selectors.DefaultSelector()
    remaining = {}
    for sock, already in subscribers:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        remaining[sock] = expected * len(MESSAGE) - already

    def run() -> None:
        while remaining:
            for key, _ in selector.select():
                sock = key.fileobj
                try:
                    chunk = sock.recv(1 << 20)
                except BlockingIOError:
                    continue
                remaining[sock] -= len(chunk)
                if not chunk or remaining[sock] <= 0:
                    del remaining[sock]
                    selector.unregister(sock)
                    sock.close()
        done.append(time.perf_counter())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(kind: str, subscribers: int, count: int) -> tuple[float, float]:
    """Messages per second, and server CPU microseconds per message."""
    server = start_server(kind)
    try:
        done: list[float] = []
        drainer = drain([subscribe(server.port) for _ in range(subscribers)], count, done)
        publisher = socket.create_connection(("127.0.0.1", server.port))
        batch = command(b"PUBLISH", b"bench", b"hello") * 100
        reply = b":%d\r\n" % subscribers
        start = time.perf_counter()
        cpu_start = cpu_seconds(server.process.pid)
        for _ in range(count // 100):
            publisher.sendall(batch)
            expected, got = len(reply) * 100, b""
            while len(got) < expected:
                got += publisher.recv(65536)
        drainer.join()
        elapsed = done[0] - start
        published = count // 100 * 100
        cpu = cpu_seconds(server.process.pid) - cpu_start
        publisher.close()
        return published / elapsed, cpu / published * 1e6
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20000, help="messages published per run")
    parser.add_argument("--subscribers", default="1,10,100")
    args = parser.parse_args()
    print(f"PUBLISH throughput, {args.n} messages, pipelined in batches of 100")
    print(
        f"{'subscribers':>11} {'shardis msg/s':>14} {'redis msg/s':>12} {'ratio':>6}"
        f" {'shardis cpu/msg':>16} {'redis cpu/msg':>14} {'cpu ratio':>9}"
    )
    for count in (int(n) for n in args.subscribers.split(",")):
        ours, our_cpu = run("shardis", count, args.n)
        theirs, their_cpu = run("redis", count, args.n)
        print(
            f"{count:>11} {ours:>14.0f} {theirs:>12.0f} {ours / theirs:>6.3f}"
            f" {our_cpu:>13.2f} us {their_cpu:>11.2f} us {their_cpu / max(our_cpu, 1e-9):>9.3f}"
        )


if __name__ == "__main__":
    main()
