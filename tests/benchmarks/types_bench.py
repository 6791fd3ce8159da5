"""Streams, HyperLogLog, geo and bitmap throughput: shardis vs redis-server.

    python tests/benchmarks/types_bench.py [-n 20000] [--clients 50] [--pipeline 16] [--shards 1] [--only xadd,pfadd]

Both servers are started on free ports by tests/servers.py, get the same
prefill (a stream of 100 entries, an HLL of 5000 elements, 2000 geo points,
a 100000-bit bitmap), and run the same redis-benchmark commands one after the
other (``redis-benchmark -P 16 XADD s '*' f v`` and so on; ``__rand_int__``
is redis-benchmark's random-number placeholder, range ``-r``). The table shows
requests per second and the ratio shardis / redis-server. Not a pytest
module: performance is measured here, never asserted in tests.

``--engine`` starts no server: it gives the same prefill to one engine
keyspace and times each command's handler called directly (CPU microseconds
per call, no network, no parsing), which is steadier than throughput on a
busy machine and is what to compare before and after a change to a family.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.harness import run_command_rows  # noqa: E402
from tests.servers import RunningServer, start_server  # noqa: E402

# name -> redis-benchmark command (hash tags keep multi-key commands on one shard)
BENCHMARKS: dict[str, list[str]] = {
    "xadd": ["XADD", "bench:xadd", "*", "field", "value"],
    "xrange_100": ["XRANGE", "bench:stream", "-", "+", "COUNT", "100"],
    "pfadd": ["PFADD", "bench:hll:add", "element:__rand_int__"],
    "pfcount": ["PFCOUNT", "bench:hll"],
    "pfcount_union": ["PFCOUNT", "{bench:u}1", "{bench:u}2"],
    "geoadd": ["GEOADD", "bench:geo:add", "13.361389", "38.115556", "member:__rand_int__"],
    "geosearch_byradius": ["GEOSEARCH", "bench:geo", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
                           "ASC", "COUNT", "10"],
    # __rand_int__ is zero-padded and both servers refuse a bit offset with leading zeros.
    "setbit": ["SETBIT", "bench:bits:set", "99999", "1"],
    "bitcount": ["BITCOUNT", "bench:bits"],
}


def prefill_commands() -> list[tuple[object, ...]]:
    rng = random.Random(7)
    commands: list[tuple[object, ...]] = []
    for number in range(1, 101):
        commands.append(("XADD", "bench:stream", f"{number}-0", "field", "value"))
    for chunk in range(0, 5000, 500):
        commands.append(("PFADD", "bench:hll", *[f"e{n}" for n in range(chunk, chunk + 500)]))
    commands.append(("PFADD", "{bench:u}1", *[f"a{n}" for n in range(3000)]))
    commands.append(("PFADD", "{bench:u}2", *[f"b{n}" for n in range(200)]))
    for _ in range(2000):
        commands.append(("GEOADD", "bench:geo", rng.uniform(10, 20), rng.uniform(33, 41), f"p{rng.random()}"))
    for bit in range(0, 100_000, 3):
        commands.append(("SETBIT", "bench:bits", bit, 1))
    return commands


def prefill(server: RunningServer) -> None:
    client = redis.Redis(host=server.host, port=server.port)
    pipe = client.pipeline(transaction=False)
    for command in prefill_commands():
        pipe.execute_command(*command)
    pipe.execute()
    client.close()


def engine_costs(names: list[str], requests: int) -> dict[str, float]:
    """CPU microseconds per call of each benchmark's handler, called
    directly on one engine keyspace after the same prefill."""
    from actors.engine import dispatch
    from actors.engine.context import ExecContext
    from actors.engine.keyspace import Keyspace

    dispatch.load_families()
    keyspace = Keyspace.create(16)
    ctx = ExecContext(keyspace, keyspace.databases[0])

    def encoded(command: tuple[object, ...] | list[str]) -> list[bytes]:
        return [part if isinstance(part, bytes) else str(part).encode() for part in command]

    for command in prefill_commands():
        argv = encoded(command)
        dispatch.execute(ctx, argv[0].decode().lower(), argv)
    rng = random.Random(1)
    costs = {}
    for name in names:
        # redis-benchmark's __rand_int__: 12 zero-padded digits, below -r 100000.
        calls = [
            encoded([part.replace("__rand_int__", "%012d" % rng.randrange(100_000)) for part in BENCHMARKS[name]])
            for _ in range(requests)
        ]
        handler = dispatch.HANDLERS[calls[0][0].decode().lower()]
        started = time.process_time()
        for argv in calls:
            handler(ctx, argv)
        costs[name] = (time.process_time() - started) / requests * 1e6
    return costs


def run(server: RunningServer, argv: list[str], requests: int, clients: int, pipeline: int) -> float:
    rows = run_command_rows(server, argv, requests, clients, pipeline, keyspace=100_000)
    return list(rows.values())[-1]["rps"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--pipeline", type=int, default=16)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--only", default=",".join(BENCHMARKS))
    parser.add_argument("--engine", action="store_true", help="time the engine handlers directly, no servers")
    args = parser.parse_args(argv)
    if args.engine:
        names = args.only.split(",")
        print(f"engine handlers, {args.requests} calls each (CPU time)")
        for name, cost in engine_costs(names, args.requests).items():
            print(f"{name:<20} {cost:>10.2f} us/call")
        return 0
    if not shutil.which("redis-benchmark") or not shutil.which("redis-server"):
        print("redis-benchmark and redis-server are needed (apt-get install redis-server redis-tools)")
        return 2
    names = args.only.split(",")
    measured: dict[str, dict[str, float]] = {}
    for kind in ("shardis", "redis"):
        server = start_server(kind, shards=args.shards)
        try:
            prefill(server)
            measured[kind] = {
                name: run(server, BENCHMARKS[name], args.requests, args.clients, args.pipeline) for name in names
            }
        finally:
            server.stop()
    print(f"redis-benchmark -n {args.requests} -c {args.clients} -P {args.pipeline}, shardis --shards {args.shards}")
    print(f"{'test':<20} {'shardis rps':>12} {'redis rps':>12} {'ratio':>7}")
    ratios = []
    for name in names:
        shardis_rps, redis_rps = measured["shardis"][name], measured["redis"][name]
        ratios.append(shardis_rps / redis_rps)
        print(f"{name:<20} {shardis_rps:>12.0f} {redis_rps:>12.0f} {ratios[-1]:>7.3f}")
    print(f"geometric mean ratio {math.exp(sum(map(math.log, ratios)) / len(ratios)):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
