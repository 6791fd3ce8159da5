"""Scale runs for shardis and redis-server: a big keyspace, a big sorted set, a mass expiry.

    python tests/benchmarks/scale_bench.py [--small 1000] [--big 10000000]
        [--zset 1000000] [--expiry 1000000] [--requests 200000] [--shards 1] [--json]

Three measurements, each taken on shardis and then on redis-server (both started
by tests/servers.py on free ports and stopped by PID):

- keyspace size: redis-benchmark ``-t set,get -r N -P 16`` with ``--small`` keys
  loaded and again with ``--big`` keys loaded (``key:%012d``, the names
  redis-benchmark draws, so every GET hits); the figure is big rps / small rps.
- sorted-set size: ``ZADD`` and ``ZRANK`` with ``__rand_int__`` members on a set
  of about ``--small`` and about ``--zset`` members; O(log n) operations keep
  the big/small ratio near 1.
- mass expiry: ``--expiry`` keys all carrying the same PXAT deadline; a
  ``GET -c 50 -P 1`` run that spans the deadline reports the longest latency a
  client saw, next to the same run on the same keys without TTLs.

``compare_redis.py`` calls :func:`run_scale` so ``make bench`` prints these
beside the throughput table. Performance is measured here, never asserted in
tests (this file is not collected by pytest).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.harness import run_benchmark_rows, run_command_rows  # noqa: E402
from tests.servers import RunningServer, start_server  # noqa: E402

CHUNK = 50_000


def set_commands(count: int, *, pxat: int | None = None) -> Iterator[bytes]:
    """RESP SET commands for key:000000000000.. in chunks, with a shared PXAT if given."""
    value = b"x" * 16
    suffix = b"" if pxat is None else b"$4\r\nPXAT\r\n$%d\r\n%d\r\n" % (len(str(pxat)), pxat)
    head = b"*3\r\n$3\r\nSET\r\n" if pxat is None else b"*5\r\n$3\r\nSET\r\n"
    for first in range(0, count, CHUNK):
        yield b"".join(
            b"%s$16\r\nkey:%012d\r\n$16\r\n%s\r\n%s" % (head, index, value, suffix)
            for index in range(first, min(first + CHUNK, count))
        )


def pipe_in(server: RunningServer, chunks: Iterator[bytes]) -> float:
    """Stream RESP commands through ``redis-cli --pipe``; seconds taken."""
    started = time.perf_counter()
    process = subprocess.Popen(
        ["redis-cli", "-h", server.host, "-p", str(server.port), "--pipe"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None
    for chunk in chunks:
        process.stdin.write(chunk)
    process.stdin.close()
    if process.wait(timeout=1800) != 0:
        raise RuntimeError(f"redis-cli --pipe failed against {server.kind}")
    return time.perf_counter() - started


def flush(server: RunningServer) -> None:
    subprocess.run(
        ["redis-cli", "-h", server.host, "-p", str(server.port), "FLUSHALL"],
        check=True, capture_output=True, timeout=600,
    )


def keyspace_rps(server: RunningServer, keys: int, requests: int) -> dict[str, float]:
    flush(server)
    pipe_in(server, set_commands(keys))
    rows = run_benchmark_rows(server, "set,get", requests, 50, 16, keyspace=keys)
    return {test: row["rps"] for test, row in rows.items()}


def zset_rps(server: RunningServer, members: int, requests: int) -> dict[str, float]:
    """ZADD/ZRANK rps on one sorted set of about ``members`` members."""
    flush(server)
    key = "zscale"
    # Random members with replacement: about 63% of ``members * 1`` distinct draws;
    # two passes cover about 86%, enough for "about this size".
    run_command_rows(server, ["zadd", key, "__rand_int__", "m:__rand_int__"], 2 * members, 50, 64, keyspace=members)
    result = {}
    for name, command in (
        ("ZADD", ["zadd", key, "__rand_int__", "m:__rand_int__"]),
        ("ZRANK", ["zrank", key, "m:__rand_int__"]),
    ):
        rows = run_command_rows(server, command, requests, 50, 16, keyspace=members)
        result[name] = next(iter(rows.values()))["rps"]
    return result


def mass_expiry_max_latency(server: RunningServer, keys: int, requests: int) -> dict[str, float]:
    """Longest GET latency (ms) seen while ``keys`` keys expire at one instant,
    beside the same run on the same keys with no TTL."""
    flush(server)
    load_seconds = pipe_in(server, set_commands(keys))
    calm = run_benchmark_rows(server, "get", requests, 50, 1, keyspace=keys)["GET"]
    flush(server)
    # The deadline leaves room for the load (timed above on the same keys) so
    # the benchmark below starts before it and runs across it.
    deadline_ms = int(time.time() * 1000) + int((2 * load_seconds + 2) * 1000)
    pipe_in(server, set_commands(keys, pxat=deadline_ms))
    while time.time() * 1000 < deadline_ms - 500:
        time.sleep(0.05)
    during = run_benchmark_rows(server, "get", requests, 50, 1, keyspace=keys)["GET"]
    return {"calm_max_ms": calm["max_ms"], "expiry_max_ms": during["max_ms"],
            "expiry_p50_ms": during["p50_ms"]}


def run_scale(
    kind: str, *, shards: int, small: int, big: int, zset: int, expiry: int, requests: int
) -> dict[str, dict[str, float]]:
    server = start_server(kind, shards=shards)
    try:
        return {
            "keyspace_small": keyspace_rps(server, small, requests),
            "keyspace_big": keyspace_rps(server, big, requests),
            "zset_small": zset_rps(server, small, requests),
            "zset_big": zset_rps(server, zset, requests),
            "expiry": mass_expiry_max_latency(server, expiry, requests),
        }
    finally:
        server.stop()


def scale_lines(results: dict[str, dict[str, dict[str, float]]], args: argparse.Namespace) -> list[str]:
    lines = [f"scale: {args.small} vs {args.big} keys, sorted set {args.small} vs ~{args.zset} members, "
             f"{args.expiry} keys expiring at once"]
    for kind, figures in results.items():
        keyspace = {t: figures["keyspace_big"][t] / figures["keyspace_small"][t] for t in figures["keyspace_small"]}
        zsets = {t: figures["zset_big"][t] / figures["zset_small"][t] for t in figures["zset_small"]}
        expiry = figures["expiry"]
        lines.append(
            f"  {kind:<8} big/small rps: "
            + ", ".join(f"{t} {r:.2f}" for t, r in {**keyspace, **zsets}.items())
            + f"; GET max latency {expiry['calm_max_ms']:.1f} ms calm, "
            f"{expiry['expiry_max_ms']:.1f} ms across the mass expiry"
        )
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--big", type=int, default=10_000_000)
    parser.add_argument("--zset", type=int, default=1_000_000)
    parser.add_argument("--expiry", type=int, default=1_000_000)
    parser.add_argument("--scale-requests", type=int, default=200_000)


def measure(args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    return {
        kind: run_scale(kind, shards=args.shards, small=args.small, big=args.big, zset=args.zset,
                        expiry=args.expiry, requests=args.scale_requests)
        for kind in ("shardis", "redis")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = measure(args)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n".join(scale_lines(results, args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
