"""Side-by-side throughput: redis-benchmark against shardis and redis-server in one run.

    python tests/benchmarks/compare_redis.py [--tests set,get,incr,mset] [-n 100000]
        [--clients 50] [--pipelines 1,16] [--shards 1] [--json]

Both servers are started on free ports by the same code (tests/servers.py),
benchmarked one after the other with identical redis-benchmark arguments, and
stopped by PID. The table shows requests per second and the ratio
shardis / redis-server per test and pipeline depth, plus the geometric mean.
Performance is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.servers import RunningServer, start_server  # noqa: E402


def run_benchmark_rows(
    server: RunningServer, tests: str, requests: int, clients: int, pipeline: int
) -> dict[str, dict[str, float]]:
    """redis-benchmark's CSV: per test, rps and latency percentiles (ms)."""
    command = [
        "redis-benchmark", "-h", server.host, "-p", str(server.port), "-t", tests,
        "-n", str(requests), "-c", str(clients), "-P", str(pipeline), "--csv",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600).stdout
    results = {}
    for row in csv.reader(io.StringIO(output)):
        if row and row[0] != "test":
            results[row[0]] = {"rps": float(row[1]), "p50_ms": float(row[4]), "max_ms": float(row[7])}
    return results


def run_benchmark(server: RunningServer, tests: str, requests: int, clients: int, pipeline: int) -> dict[str, float]:
    rows = run_benchmark_rows(server, tests, requests, clients, pipeline)
    return {test: row["rps"] for test, row in rows.items()}


def rss_bytes(server: RunningServer) -> int:
    with open(f"/proc/{server.process.pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024
    return 0


def load_keys(server: RunningServer, count: int) -> float:
    """SET key:0000001.. with 16-byte values through redis-cli --pipe; returns bytes of RSS per key."""
    value = b"x" * 16
    payload = b"".join(
        b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$16\r\n%s\r\n" % (len(key), key, value)
        for key in (b"key:%07d" % index for index in range(1, count + 1))
    )
    before = rss_bytes(server)
    subprocess.run(
        ["redis-cli", "-h", server.host, "-p", str(server.port), "--pipe"],
        input=payload, capture_output=True, check=True, timeout=600,
    )
    return (rss_bytes(server) - before) / count


def cpu_seconds(server: RunningServer) -> float:
    try:
        with open(f"/proc/{server.process.pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        import os

        return ticks / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", default="set,get,incr,mset,lpush,rpop,sadd,hset,zadd,lrange_100")
    parser.add_argument("-n", "--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--pipelines", default="1,16")
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--memory-keys", type=int, default=1_000_000,
                        help="keys loaded to measure RSS per key (0 to skip)")
    parser.add_argument("--smoke", action="store_true",
                        help="a few seconds end to end, so CI keeps the script working")
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.tests, args.memory_keys = 2000, "set,get", 2000
    if not shutil.which("redis-benchmark") or not shutil.which("redis-server"):
        print("redis-benchmark and redis-server are needed (apt-get install redis-server redis-tools)")
        return 2
    pipelines = [int(p) for p in args.pipelines.split(",")]
    measured: dict[str, dict[int, dict[str, float]]] = {}
    cpu: dict[str, dict[int, float]] = {}
    latency: dict[str, float] = {}
    memory: dict[str, float] = {}
    for kind in ("shardis", "redis"):
        server = start_server(kind, shards=args.shards)
        try:
            measured[kind] = {}
            cpu[kind] = {}
            single = run_benchmark_rows(server, "get", min(args.requests, 20000), 1, 1)
            latency[kind] = single["GET"]["p50_ms"]
            if args.memory_keys:
                memory[kind] = load_keys(server, args.memory_keys)
            for pipeline in pipelines:
                before = cpu_seconds(server)
                measured[kind][pipeline] = run_benchmark(
                    server, args.tests, args.requests, args.clients, pipeline
                )
                tests_run = len(measured[kind][pipeline])
                cpu[kind][pipeline] = (cpu_seconds(server) - before) / (args.requests * tests_run) * 1e6
        finally:
            server.stop()
    rows = []
    for pipeline in pipelines:
        for test, redis_rps in measured["redis"][pipeline].items():
            shardis_rps = measured["shardis"][pipeline].get(test, float("nan"))
            rows.append({
                "pipeline": pipeline, "test": test, "shardis_rps": shardis_rps,
                "redis_rps": redis_rps, "ratio": shardis_rps / redis_rps,
            })
    summary = {}
    for pipeline in pipelines:
        ratios = [row["ratio"] for row in rows if row["pipeline"] == pipeline]
        summary[pipeline] = {
            "geomean_ratio": math.exp(sum(math.log(r) for r in ratios) / len(ratios)),
            "shardis_cpu_us_per_request": cpu["shardis"][pipeline],
            "redis_cpu_us_per_request": cpu["redis"][pipeline],
        }
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary, "latency_p50_ms": latency,
                          "rss_bytes_per_key": memory, "args": vars(args)}, indent=2))
        return 0
    print(f"redis-benchmark -t {args.tests} -n {args.requests} -c {args.clients}, shardis --shards {args.shards}")
    print(f"{'-P':>3} {'test':<22} {'shardis rps':>12} {'redis rps':>12} {'ratio':>7}")
    for row in rows:
        print(f"{row['pipeline']:>3} {row['test']:<22} {row['shardis_rps']:>12.0f} {row['redis_rps']:>12.0f} {row['ratio']:>7.3f}")
    for pipeline, values in summary.items():
        print(
            f"-P {pipeline}: geometric mean ratio {values['geomean_ratio']:.3f}; CPU per request "
            f"shardis {values['shardis_cpu_us_per_request']:.1f} us, redis {values['redis_cpu_us_per_request']:.1f} us"
        )
    print(f"GET -c 1 -P 1 p50 latency: shardis {latency['shardis']:.3f} ms, redis {latency['redis']:.3f} ms")
    if memory:
        print(
            f"RSS per key ({args.memory_keys} keys, 16-byte values): shardis {memory['shardis']:.0f} B, "
            f"redis {memory['redis']:.0f} B, ratio {memory['shardis'] / memory['redis']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
