"""PUBLISH throughput to 1, 10 and 100 subscribers: shardis vs redis-server.

Not collected by pytest. Run: ``.venv/bin/python tests/benchmarks/pubsub_bench.py -n 20000``.
Each run starts both servers on free ports, subscribes N raw sockets (each
drained by a thread), then one pipelined publisher sends ``-n`` PUBLISHes in
batches of 100 and waits until every subscriber received every message.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.servers import start_server  # noqa: E402


def command(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%b\r\n" % (len(arg), arg) for arg in args)


def subscriber(port: int, expected: int, ready: threading.Event, done: list[float]) -> threading.Thread:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(command(b"SUBSCRIBE", b"bench"))
    message = b"*3\r\n$7\r\nmessage\r\n$5\r\nbench\r\n$5\r\nhello\r\n"
    confirm = b"*3\r\n$9\r\nsubscribe\r\n$5\r\nbench\r\n:1\r\n"
    received = b""
    while len(received) < len(confirm):
        received += sock.recv(65536)

    def drain() -> None:
        total = len(received) - len(confirm)
        target = expected * len(message)
        ready.set()
        while total < target:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            total += len(chunk)
        done.append(time.perf_counter())
        sock.close()

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    return thread


def run(kind: str, subscribers: int, count: int) -> float:
    server = start_server(kind)
    try:
        done: list[float] = []
        threads = []
        for _ in range(subscribers):
            ready = threading.Event()
            threads.append(subscriber(server.port, count, ready, done))
            ready.wait()
        publisher = socket.create_connection(("127.0.0.1", server.port))
        batch = command(b"PUBLISH", b"bench", b"hello") * 100
        reply = b":%d\r\n" % subscribers
        start = time.perf_counter()
        for _ in range(count // 100):
            publisher.sendall(batch)
            expected, got = len(reply) * 100, b""
            while len(got) < expected:
                got += publisher.recv(65536)
        for thread in threads:
            thread.join()
        elapsed = max(done) - start
        publisher.close()
        return (count // 100 * 100) / elapsed
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20000, help="messages published per run")
    parser.add_argument("--subscribers", default="1,10,100")
    args = parser.parse_args()
    print(f"PUBLISH throughput, {args.n} messages, pipelined in batches of 100")
    print(f"{'subscribers':>11} {'shardis msg/s':>14} {'redis msg/s':>12} {'ratio':>6}")
    for count in (int(n) for n in args.subscribers.split(",")):
        ours = run("shardis", count, args.n)
        theirs = run("redis", count, args.n)
        print(f"{count:>11} {ours:>14.0f} {theirs:>12.0f} {ours / theirs:>6.3f}")


if __name__ == "__main__":
    main()
