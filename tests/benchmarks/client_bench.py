"""The client benchmark of issue 7: this client vs redis-py's asyncio client
(pure-Python parser: hiredis is not installed) against the same server, in the
same run.

    .venv/bin/python tests/benchmarks/client_bench.py [--server redis|shardis] [--protocol 2|3]

Rows:
- pipelined SET: 100k SETs in pipelines of 100 (one write, one batch of reads each);
- sequential GET: 10k GETs, one round trip each (bound by the event loop and
  the server: reported, not a target);
- cached GET loop: 10k GETs over 100 hot keys. This client runs with
  ``cache=CacheConfig()`` (CLIENT TRACKING); redis-py's asyncio client has no
  client-side cache, so it makes the round trips.

Each client runs in its own event loop (Trio vs asyncio); the ratio is ours /
redis-py's operations per second (above 1: we are faster). Each row is the best
of ``--repeat`` runs. Not collected by pytest (no ``test_`` prefix); performance
is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from client import CacheConfig, open_client  # noqa: E402
from tests.servers import start_server  # noqa: E402

PIPELINED_SETS = 100_000
BATCH = 100
SEQUENTIAL_GETS = 10_000
CACHED_GETS = 10_000
HOT_KEYS = 100

ROWS = ("pipelined SET (100k, x100)", "sequential GET (10k)", "cached GET loop (10k)")


async def ours(port: int, protocol: int) -> dict[str, float]:
    url = f"redis://127.0.0.1:{port}/0"
    rates = {}
    async with open_client(url, protocol=protocol) as c:
        await c.flushall()
        start = time.perf_counter()
        for batch in range(0, PIPELINED_SETS, BATCH):
            async with c.pipeline() as p:
                for i in range(batch, batch + BATCH):
                    p.set(f"k{i}", "v")
                await p.execute()
        rates[ROWS[0]] = PIPELINED_SETS / (time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(SEQUENTIAL_GETS):
            await c.get(f"k{i}")
        rates[ROWS[1]] = SEQUENTIAL_GETS / (time.perf_counter() - start)
    async with open_client(url, protocol=protocol, cache=CacheConfig()) as c:
        start = time.perf_counter()
        for i in range(CACHED_GETS):
            await c.get(f"k{i % HOT_KEYS}")
        rates[ROWS[2]] = CACHED_GETS / (time.perf_counter() - start)
        stats = c.cache_statistics()
        assert stats is not None and stats.hits == CACHED_GETS - HOT_KEYS, stats
    return rates


async def theirs(port: int, protocol: int) -> dict[str, float]:
    import redis.asyncio

    rates = {}
    r = redis.asyncio.Redis(host="127.0.0.1", port=port, protocol=protocol)
    try:
        await r.flushall()
        start = time.perf_counter()
        for batch in range(0, PIPELINED_SETS, BATCH):
            async with r.pipeline(transaction=False) as p:
                for i in range(batch, batch + BATCH):
                    p.set(f"k{i}", "v")
                await p.execute()
        rates[ROWS[0]] = PIPELINED_SETS / (time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(SEQUENTIAL_GETS):
            await r.get(f"k{i}")
        rates[ROWS[1]] = SEQUENTIAL_GETS / (time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(CACHED_GETS):
            await r.get(f"k{i % HOT_KEYS}")
        rates[ROWS[2]] = CACHED_GETS / (time.perf_counter() - start)
    finally:
        await r.aclose()
    return rates


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return {row: max(run[row] for run in runs) for row in ROWS}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="redis", choices=["redis", "shardis"])
    parser.add_argument("--protocol", type=int, default=3, choices=[2, 3])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    server = start_server(args.server)
    try:
        mine, other = [], []
        for _ in range(args.repeat):
            mine.append(trio.run(ours, server.port, args.protocol))
            other.append(asyncio.run(theirs(server.port, args.protocol)))
    finally:
        server.stop()
    ours_best, theirs_best = best(mine), best(other)
    print(f"against {args.server}, RESP{args.protocol}, best of {args.repeat}")
    print(f"| {'row':<28} | {'shardis client':>14} | {'redis-py asyncio':>16} | {'ratio':>5} |")
    print(f"|{'-' * 30}|{'-' * 16}|{'-' * 18}|{'-' * 7}|")
    for row in ROWS:
        rate, reference = ours_best[row], theirs_best[row]
        print(f"| {row:<28} | {rate:>12.0f}/s | {reference:>14.0f}/s | {rate / reference:>5.2f} |")


if __name__ == "__main__":
    main()
