"""The ``shardis_client`` pytest fixture: this client, connected to ``shardis_server``.

Registered through the ``pytest11`` entry point ``shardis_client``, next to the
``shardis_server`` fixture of ``actors/testing.py``, which it asks for by name
(DESIGN §2: the client never imports actors). For Trio tests (pytest-trio):

    async def test_counter(shardis_client):
        assert await shardis_client.incr("hits") == 1

The client decodes nothing (replies are bytes, as by default); open another
with ``open_client(shardis_server.url, decode=True)`` when you want str.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

__all__ = ["shardis_client"]


@pytest.fixture
async def shardis_client(shardis_server: Any) -> AsyncIterator[Any]:
    """A :class:`client.Client` for ``shardis_server.url``, closed after the test."""
    from client import open_client

    async with open_client(shardis_server.url) as connected:
        yield connected
