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
import json
import math
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks import scale_bench  # noqa: E402
from tests.benchmarks.harness import cpu_seconds, rss_bytes, run_benchmark_rows  # noqa: E402
from tests.servers import RunningServer, start_server  # noqa: E402


def run_benchmark(server: RunningServer, tests: str, requests: int, clients: int, pipeline: int) -> dict[str, float]:
    rows = run_benchmark_rows(server, tests, requests, clients, pipeline)
    return {test: row["rps"] for test, row in rows.items()}


def bulk(command: bytes, key: bytes | None, pairs: list[tuple[bytes, bytes]]) -> bytes:
    words = [command] + ([key] if key is not None else [])
    for first, second in pairs:
        words += [first, second]
    return b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words)


def memory_commands(shape: str, count: int) -> Iterator[bytes]:
    """``count`` strings ``key:0000001``.. with 16-byte values, or members of one
    sorted set, or fields of one hash (100 per command), as RESP."""
    value = b"x" * 16
    for first in range(1, count + 1, 10_000):
        names = [b"%07d" % index for index in range(first, min(first + 10_000, count + 1))]
        if shape == "strings":
            yield b"".join(bulk(b"SET", None, [(b"key:" + name, value)]) for name in names)
            continue
        chunks = [names[at:at + 100] for at in range(0, len(names), 100)]
        if shape == "zset":
            yield b"".join(bulk(b"ZADD", b"zmem", [(n, b"member:" + n) for n in chunk]) for chunk in chunks)
        else:
            yield b"".join(bulk(b"HSET", b"hmem", [(b"field:" + n, value) for n in chunk]) for chunk in chunks)


MEMORY_SHAPES = ("strings", "zset", "hash")
MEMORY_LABELS = {
    "strings": "keys key:0000001.. with 16-byte values",
    "zset": "members of one sorted set",
    "hash": "fields of one hash, 16-byte values",
}


def memory_per_element(kind: str, shards: int, shape: str, count: int) -> float:
    """Bytes of RSS per element a fresh server grows by when ``count`` are loaded."""
    server = start_server(kind, shards=shards)
    try:
        before = rss_bytes(server)
        scale_bench.pipe_in(server, memory_commands(shape, count))
        return (rss_bytes(server) - before) / count
    finally:
        server.stop()


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
    parser.add_argument("--no-scale", action="store_true", help="skip the scale runs (scale_bench.py)")
    parser.add_argument("--out", type=Path, default=None,
                        help="directory for latest.json and ratios.png (docs/performance in the full run)")
    scale_bench.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.tests, args.memory_keys = 2000, "set,get", 2000
        args.small, args.big, args.zset, args.expiry, args.scale_requests = 100, 2000, 2000, 2000, 2000
    if not shutil.which("redis-benchmark") or not shutil.which("redis-server"):
        print("redis-benchmark and redis-server are needed (apt-get install redis-server redis-tools)")
        return 2
    pipelines = [int(p) for p in args.pipelines.split(",")]
    measured: dict[str, dict[int, dict[str, float]]] = {}
    cpu: dict[str, dict[int, float]] = {}
    latency: dict[str, float] = {}
    for kind in ("shardis", "redis"):
        server = start_server(kind, shards=args.shards)
        try:
            measured[kind] = {}
            cpu[kind] = {}
            single = run_benchmark_rows(server, "get", min(args.requests, 20000), 1, 1)
            latency[kind] = single["GET"]["p50_ms"]
            for pipeline in pipelines:
                before = cpu_seconds(server)
                measured[kind][pipeline] = run_benchmark(
                    server, args.tests, args.requests, args.clients, pipeline
                )
                tests_run = len(measured[kind][pipeline])
                cpu[kind][pipeline] = (cpu_seconds(server) - before) / (args.requests * tests_run) * 1e6
        finally:
            server.stop()
    memory = {
        shape: {kind: memory_per_element(kind, args.shards, shape, args.memory_keys) for kind in ("shardis", "redis")}
        for shape in (MEMORY_SHAPES if args.memory_keys else ())
    }
    scale = {} if args.no_scale else scale_bench.measure(args)
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
    report = {"rows": rows, "summary": summary, "latency_p50_ms": latency,
              "rss_bytes_per_key": memory, "scale": scale,
              "args": {name: str(value) for name, value in vars(args).items()}}
    if args.out is not None:
        write_outputs(args.out, report)
    if args.json:
        print(json.dumps(report, indent=2))
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
    for shape, per in memory.items():
        print(
            f"RSS per element ({args.memory_keys} {MEMORY_LABELS[shape]}): shardis {per['shardis']:.0f} B, "
            f"redis {per['redis']:.0f} B, ratio {per['shardis'] / per['redis']:.2f}"
        )
    if scale:
        print("\n".join(scale_bench.scale_lines(scale, args)))
    return 0


def write_outputs(directory: Path, report: dict) -> None:
    """latest.json, and ratios.png when matplotlib (the ``bench`` extra) is installed."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        print("matplotlib not installed (pip install -e '.[bench]'): no chart written")
        return
    pipelines = sorted({row["pipeline"] for row in report["rows"]})
    tests = list(dict.fromkeys(row["test"] for row in report["rows"]))
    figure, axes = pyplot.subplots(figsize=(10, 4.5))
    width = 0.8 / len(pipelines)
    for offset, pipeline in enumerate(pipelines):
        ratios = {row["test"]: row["ratio"] for row in report["rows"] if row["pipeline"] == pipeline}
        axes.bar([index + offset * width for index in range(len(tests))],
                 [ratios.get(test, 0.0) for test in tests], width, label=f"-P {pipeline}")
    axes.set_xticks([index + width * (len(pipelines) - 1) / 2 for index in range(len(tests))])
    axes.set_xticklabels(tests, rotation=30, ha="right")
    axes.set_ylabel("shardis rps / redis-server rps")
    axes.set_title("redis-benchmark -c 50, shardis vs redis-server 7.0 on the same machine")
    axes.legend()
    figure.tight_layout()
    figure.savefig(directory / "ratios.png", dpi=100)
    pyplot.close(figure)


if __name__ == "__main__":
    sys.exit(main())
