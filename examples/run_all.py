"""Smoke-run every example against a fresh shardis on a free port (CI runs this).

    python examples/run_all.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.servers import start_server  # noqa: E402


def main() -> int:
    examples = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py")
    failed = 0
    for shards in (1, 4):
        server = start_server("shardis", shards=shards)
        try:
            env = dict(os.environ, SHARDIS_PORT=str(server.port))
            for example in examples:
                result = subprocess.run([sys.executable, str(example)], env=env, cwd=HERE,
                                        capture_output=True, text=True, timeout=120)
                status = "ok" if result.returncode == 0 else "FAILED"
                print(f"[shards={shards}] {example.name}: {status}")
                if result.returncode != 0:
                    failed += 1
                    print(result.stdout, result.stderr)
        finally:
            server.stop()
    print(f"{len(examples) * 2 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
