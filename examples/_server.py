"""Where the examples find a server: SHARDIS_PORT (default 6379, what `make run` starts)."""

from __future__ import annotations

import os

PORT = int(os.environ.get("SHARDIS_PORT", "6379"))
HOST = os.environ.get("SHARDIS_HOST", "127.0.0.1")
