"""Keeps tests/benchmarks/snapshot_latency.py working (its --smoke run);
the numbers are never asserted."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("snapshot_latency.py")


@pytest.mark.skipif(
    not (shutil.which("redis-benchmark") and shutil.which("redis-server")),
    reason="redis-benchmark and redis-server are needed",
)
def test_the_snapshot_latency_benchmark_smoke_run_reports_both_servers() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    for kind in ("shardis", "redis"):
        assert any(line.startswith(f"{kind}: longest pause ") for line in lines), run.stdout
        assert any(line.startswith(f"{kind:<8} during_bgsave  SET") for line in lines), run.stdout
