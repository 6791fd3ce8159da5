"""Keeps tests/benchmarks/python_floor.py working (a tiny run); the numbers are
never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("python_floor.py")


def test_the_python_floor_script_reports_every_shape() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--count", "2000"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines] == [
        "strings, one shared value",
        "strings, a value each",
        "strings, a value each, plus access seconds",
        "hash fields, a value each",
    ]
    assert all(line.endswith(" B per element") for line in lines)
