"""Start shardis or redis-server as a real process on a free port (tests and benchmarks).

The code lives in ``actors/testing.py`` (the pytest plugin uses it too); this
module keeps the names the compat tests and benchmarks import.
"""

from __future__ import annotations

from pathlib import Path

from actors.testing import RunningServer, free_port, redis_server_path, start_server

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["ROOT", "RunningServer", "free_port", "redis_server_path", "start_server"]
