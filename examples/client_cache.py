"""Client-side caching with the shardis Trio client: repeated reads are served
locally, and the server's CLIENT TRACKING invalidations keep them fresh.

    make run            # in one terminal
    python examples/client_cache.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _server import HOST, PORT  # noqa: E402
from client import CacheConfig, Client, open_client  # noqa: E402

URL = f"redis://{HOST}:{PORT}/0"


async def wait_for(client: Client, key: str, expected: str) -> str:
    """Another client's write reaches this cache when its invalidation arrives."""
    with trio.fail_after(10):
        while (value := await client.get(key)) != expected:
            await trio.sleep(0.01)
    return value


async def main() -> None:
    for protocol in (3, 2):  # RESP3: pushes on the same connection; RESP2: a redirect connection
        async with open_client(URL, protocol=protocol, decode=True, cache=CacheConfig(max_keys=1000)) as c, \
                open_client(URL, decode=True) as writer:
            await c.set("config:color", "blue")
            for _ in range(1000):
                assert await c.get("config:color") == "blue"  # one miss, then hits
            await writer.set("config:color", "green")  # the server invalidates our copy
            print("after another client's write:", await wait_for(c, "config:color", "green"))
            await c.set("config:color", "red")  # our own write is visible at once
            assert await c.get("config:color") == "red"
            stats = c.cache_statistics()
            assert stats is not None and stats.hits >= 999
            print(f"RESP{protocol}: hits={stats.hits} misses={stats.misses} "
                  f"invalidations={stats.invalidations}")
            await c.delete("config:color")


if __name__ == "__main__":
    trio.run(main)
