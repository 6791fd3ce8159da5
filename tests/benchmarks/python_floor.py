"""What CPython itself needs for the memory shapes of compare_redis.py.

    python tests/benchmarks/python_floor.py [--count 1000000]

Builds each shape as the barest Python structure, in a fresh process, and prints
the RSS growth per element: a dict of ``key:0000001``.. to one shared 16-byte
value (the issue's reference), the same with a distinct value per key (what a
server holds, since every value arrives as its own object), that plus a second
dict of access seconds (what OBJECT IDLETIME needs when values are plain bytes),
and a dict of 1M hash fields to distinct values. shardis's own figures
(``compare_redis.py``) can then be read against these floors. Measured, never
asserted; not collected by pytest.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

SHAPES = {
    "strings, one shared value": "shared",
    "strings, a value each": "distinct",
    "strings, a value each, plus access seconds": "access",
    "hash fields, a value each": "hash",
}


def build(shape: str, count: int) -> float:
    """In this process: RSS growth per element for one shape."""

    def rss() -> int:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) * 1024
        return 0

    before = rss()
    value = b"x" * 16
    data: dict[bytes, bytes] = {}
    access: dict[bytes, int] = {}
    second = 1_800_000_000  # one int object shared by every entry, as shardis shares it
    prefix = b"field:" if shape == "hash" else b"key:"
    for index in range(1, count + 1):
        key = prefix + b"%07d" % index
        data[key] = value if shape == "shared" else bytes(bytearray(value))
        if shape == "access":
            access[key] = second
    return (rss() - before) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=sorted(set(SHAPES.values())), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.shape:
        print(f"{build(args.shape, args.count):.1f}")
        return 0
    for label, shape in SHAPES.items():
        output = subprocess.run(
            [sys.executable, __file__, "--shape", shape, "--count", str(args.count)],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        print(f"{label:45} {output:>7} B per element")
    return 0


if __name__ == "__main__":
    sys.exit(main())
