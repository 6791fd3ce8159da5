"""The longest pause clients see while a BGSAVE runs: shardis (fork-free
walk, docs/persistence.md) and redis-server (fork) in one run.

    python tests/benchmarks/snapshot_latency.py [--keys 1000000] [--clients 50]
        [--shards 1] [--json] [--smoke]

For each server, one after the other (same code, tests/servers.py):

1. load ``--keys`` string keys (16-byte values) through ``redis-cli --pipe``;
2. time one BGSAVE with no load (``idle BGSAVE``);
3. baseline: redis-benchmark SET and GET at once (two processes, half the
   clients each, random keys over the whole key space), no BGSAVE;
4. the same load again, sized from the baseline rate to last well beyond
   a BGSAVE (four idle BGSAVEs plus a second, at least ``--min-seconds``),
   with a BGSAVE started half a second in; the run reports whether the load
   covered the whole BGSAVE.

The pause clients saw is redis-benchmark's max latency (its CSV ``max``
column) per command; p50 and requests per second are shown too. Numbers are
from whatever machine runs it: measured here, never asserted in tests
(``--smoke`` only keeps the script working: a few thousand keys, ~5 s).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.harness import run_benchmark_rows  # noqa: E402
from tests.benchmarks.scale_bench import pipe_in, set_commands  # noqa: E402
from tests.servers import RunningServer, start_server  # noqa: E402

POLL_SECONDS = 0.01


def load_keys(server: RunningServer, count: int) -> None:
    """SET key:000000000000.. with 16-byte values, the keys redis-benchmark's
    ``-r`` draws (``key:__rand_int__``)."""
    pipe_in(server, set_commands(count))


def wait_bgsave(client: redis.Redis, timeout: float) -> float:
    """Seconds until ``rdb_bgsave_in_progress`` drops to 0 (from the call)."""
    started = time.monotonic()
    while client.info("persistence")["rdb_bgsave_in_progress"]:
        if time.monotonic() - started > timeout:
            raise RuntimeError("BGSAVE did not finish")
        time.sleep(POLL_SECONDS)
    return time.monotonic() - started


def start_bgsave(client: redis.Redis) -> float:
    """BGSAVE and wait for it; returns its duration in seconds."""
    before = client.lastsave()
    began = time.monotonic()
    client.bgsave()
    wait_bgsave(client, 3600)
    if client.info("persistence")["rdb_last_bgsave_status"] != "ok" or client.lastsave() < before:
        raise RuntimeError("BGSAVE failed")
    return time.monotonic() - began


def mixed_load(server: RunningServer, requests: int, clients: int, keys: int) -> dict[str, dict[str, float]]:
    """SET and GET by two redis-benchmark processes running at the same time."""
    rows: dict[str, dict[str, float]] = {}
    errors: list[BaseException] = []

    def run(test: str) -> None:
        try:
            rows.update(run_benchmark_rows(server, test, requests, max(1, clients // 2), 1, keyspace=keys))
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=run, args=(test,)) for test in ("set", "get")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return rows


def measure(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    server = start_server(kind, shards=args.shards)
    try:
        client = redis.Redis(host=server.host, port=server.port)
        began = time.monotonic()
        load_keys(server, args.keys)
        load_seconds = time.monotonic() - began
        assert client.dbsize() == args.keys, client.dbsize()
        idle_bgsave = start_bgsave(client)
        baseline = mixed_load(server, args.requests, args.clients, args.keys)
        # Size the loaded run from the baseline rate so it outlasts the BGSAVE
        # (a save under load takes longer than an idle one).
        rate = min(row["rps"] for row in baseline.values())
        seconds = max(args.min_seconds, idle_bgsave * 4 + 1)
        delay = min(0.5, seconds / 4)
        loaded_requests = max(args.requests, int(rate * seconds))
        outcome: dict[str, Any] = {}

        def save_meanwhile() -> None:
            time.sleep(delay)
            outcome["started"] = time.monotonic()
            outcome["bgsave_seconds"] = start_bgsave(redis.Redis(host=server.host, port=server.port))
            outcome["finished"] = time.monotonic()

        saver = threading.Thread(target=save_meanwhile)
        load_began = time.monotonic()
        saver.start()
        during = mixed_load(server, loaded_requests, args.clients, args.keys)
        load_ended = time.monotonic()
        saver.join()
        return {
            "keys": args.keys,
            "load_seconds": load_seconds,
            "idle_bgsave_seconds": idle_bgsave,
            "bgsave_under_load_seconds": outcome["bgsave_seconds"],
            "load_covered_bgsave": load_began <= outcome["started"] and outcome["finished"] <= load_ended,
            "baseline": baseline,
            "during_bgsave": during,
            "requests": {"baseline": args.requests, "during_bgsave": loaded_requests},
        }
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("-n", "--requests", type=int, default=200_000,
                        help="requests per command in the baseline run")
    parser.add_argument("--clients", type=int, default=50, help="clients in all (half SET, half GET)")
    parser.add_argument("--min-seconds", type=float, default=10.0,
                        help="the loaded run lasts at least about this long")
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--smoke", action="store_true",
                        help="a few seconds end to end, so the test suite keeps the script working")
    args = parser.parse_args(argv)
    if args.smoke:
        args.keys, args.requests, args.clients, args.min_seconds = 2000, 2000, 10, 0.5
    if not shutil.which("redis-benchmark") or not shutil.which("redis-server"):
        print("redis-benchmark and redis-server are needed (apt-get install redis-server redis-tools)")
        return 2
    report = {kind: measure(kind, args) for kind in ("shardis", "redis")}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{args.keys} keys, redis-benchmark SET + GET at once ({args.clients} clients in all, -r {args.keys}), "
        f"shardis --shards {args.shards}"
    )
    print(f"{'server':<8} {'run':<14} {'cmd':<4} {'rps':>9} {'p50 ms':>8} {'max ms':>8}")
    for kind, result in report.items():
        for run in ("baseline", "during_bgsave"):
            for command, row in sorted(result[run].items()):
                print(
                    f"{kind:<8} {run:<14} {command:<4} {row['rps']:>9.0f} "
                    f"{row['p50_ms']:>8.3f} {row['max_ms']:>8.3f}"
                )
    for kind, result in report.items():
        longest = max(row["max_ms"] for row in result["during_bgsave"].values())
        without = max(row["max_ms"] for row in result["baseline"].values())
        covered = "" if result["load_covered_bgsave"] else " (the load ended before the BGSAVE did)"
        print(
            f"{kind}: longest pause {longest:.1f} ms during BGSAVE, {without:.1f} ms without; "
            f"BGSAVE {result['bgsave_under_load_seconds']:.2f} s under load, "
            f"{result['idle_bgsave_seconds']:.2f} s idle; loading {result['load_seconds']:.1f} s{covered}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
