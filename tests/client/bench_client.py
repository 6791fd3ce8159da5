"""GET/SET throughput of this client against redis-py's asyncio client, same server.

    .venv/bin/python tests/client/bench_client.py [--server redis|shardis] [--n 10000]

Rows: sequential SET, sequential GET, pipelined SET (batches of 100). Each client
runs in its own event loop (Trio vs asyncio) against the same server; the ratio is
ours / redis-py's operations per second (above 1: we are faster). Not collected
by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from client import open_client  # noqa: E402
from tests.servers import start_server  # noqa: E402


async def ours(port: int, n: int) -> dict[str, float]:
    rates = {}
    async with open_client(f"redis://127.0.0.1:{port}", protocol=2) as c:
        start = time.perf_counter()
        for i in range(n):
            await c.set(f"k{i}", "v")
        rates["sequential SET"] = n / (time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(n):
            await c.get(f"k{i}")
        rates["sequential GET"] = n / (time.perf_counter() - start)
        start = time.perf_counter()
        for batch in range(0, n * 10, 100):
            async with c.pipeline() as p:
                for i in range(batch, batch + 100):
                    p.set(f"p{i}", "v")
                await p.execute()
        rates["pipelined SET x100"] = n * 10 / (time.perf_counter() - start)
    return rates


async def theirs(port: int, n: int) -> dict[str, float]:
    import redis.asyncio

    rates = {}
    r = redis.asyncio.Redis(host="127.0.0.1", port=port, protocol=2)
    try:
        start = time.perf_counter()
        for i in range(n):
            await r.set(f"k{i}", "v")
        rates["sequential SET"] = n / (time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(n):
            await r.get(f"k{i}")
        rates["sequential GET"] = n / (time.perf_counter() - start)
        start = time.perf_counter()
        for batch in range(0, n * 10, 100):
            async with r.pipeline(transaction=False) as p:
                for i in range(batch, batch + 100):
                    p.set(f"p{i}", "v")
                await p.execute()
        rates["pipelined SET x100"] = n * 10 / (time.perf_counter() - start)
    finally:
        await r.aclose()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="redis", choices=["redis", "shardis"])
    parser.add_argument("--n", type=int, default=10000)
    args = parser.parse_args()
    server = start_server(args.server)
    try:
        mine = trio.run(ours, server.port, args.n)
        other = asyncio.run(theirs(server.port, args.n))
    finally:
        server.stop()
    print(f"against {args.server}, n={args.n}")
    print(f"{'row':<22}{'shardis client':>16}{'redis-py asyncio':>18}{'ratio':>8}")
    for row, rate in mine.items():
        print(f"{row:<22}{rate:>14.0f}/s{other[row]:>16.0f}/s{rate / other[row]:>8.2f}")


if __name__ == "__main__":
    main()
