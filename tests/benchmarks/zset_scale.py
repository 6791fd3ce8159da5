"""A large sorted set on shardis and redis-server: build, then query.

    python tests/benchmarks/zset_scale.py [--members 1000000] [--batch 1000]
        [--queries 2000] [--shards 1] [--json]

Both servers are started on free ports by tests/servers.py and stopped by
PID. For each server the script loads ``--members`` members into one key with
redis-py pipelines of ZADD commands of ``--batch`` pairs each (random scores,
so inserts land everywhere in the index), then times ``--queries`` random
ZRANGEBYSCORE ... LIMIT 0 10 and ZRANK calls one round trip at a time, and a
ZCOUNT over the whole range. It prints seconds per phase and the ratio
shardis / redis-server (higher is slower). Performance is measured here,
never asserted in tests (this file is not collected by pytest).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.servers import RunningServer, start_server  # noqa: E402

KEY = "zset:scale"


def load(client: redis.Redis, members: int, batch: int, seed: int) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    pipe = client.pipeline(transaction=False)
    for first in range(0, members, batch):
        args: list[object] = []
        for index in range(first, min(first + batch, members)):
            args.append(rng.random() * members)
            args.append(f"member:{index}")
        pipe.execute_command("ZADD", KEY, *args)
        if len(pipe) >= 20:
            pipe.execute()
    pipe.execute()
    return time.perf_counter() - started


def query(client: redis.Redis, members: int, queries: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    for _ in range(queries):
        low = rng.random() * members
        client.execute_command("ZRANGEBYSCORE", KEY, low, "+inf", "LIMIT", 0, 10)
    timings["zrangebyscore_limit10"] = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(queries):
        client.execute_command("ZRANK", KEY, f"member:{rng.randrange(members)}")
    timings["zrank"] = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(queries):
        start = rng.randrange(members)
        client.execute_command("ZRANGE", KEY, start, start + 9)
    timings["zrange_by_rank_10"] = time.perf_counter() - started
    started = time.perf_counter()
    client.execute_command("ZCOUNT", KEY, "-inf", "+inf")
    timings["zcount_all"] = time.perf_counter() - started
    return timings


def measure(server: RunningServer, args: argparse.Namespace) -> dict[str, float]:
    with redis.Redis(host=server.host, port=server.port, socket_timeout=600) as client:
        client.flushall()
        results = {"load": load(client, args.members, args.batch, args.seed)}
        assert client.zcard(KEY) == args.members
        results.update(query(client, args.members, args.queries, args.seed + 1))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    for kind in ("shardis", "redis"):
        server = start_server(kind, shards=args.shards)
        try:
            results[kind] = measure(server, args)
        finally:
            server.stop()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{args.members} members, ZADD batches of {args.batch}, {args.queries} queries per phase")
    print(f"{'phase':24} {'shardis s':>10} {'redis s':>10} {'ratio':>8}")
    for phase, seconds in results["shardis"].items():
        oracle = results["redis"][phase]
        ratio = seconds / oracle if oracle else float("inf")
        print(f"{phase:24} {seconds:10.3f} {oracle:10.3f} {ratio:8.1f}")


if __name__ == "__main__":
    main()
