"""The shardis Python client: async, on Trio, built on the sans-IO :mod:`protocol`.

    async with open_client("redis://localhost:6379/0", decode=True) as c:
        await c.set("greeting", "hello", ex=10)
        print(await c.get("greeting"))

See docs/client.md. Never imports ``actors`` or ``web`` (DESIGN §2).
"""

from __future__ import annotations

from .cache import CacheConfig, CacheStatistics
from .cluster import RoutingStatistics
from .core import Client, open_client
from .errors import (
    AskError,
    AuthenticationError,
    BusyError,
    ConnectionError,
    ExecAbortError,
    MovedError,
    NoAuthError,
    NoPermError,
    NoScriptError,
    ReadOnlyError,
    RedisError,
    ResponseError,
    TimeoutError,
    WatchError,
    WrongTypeError,
)
from .generated import EXCLUDED
from .options import ConnectionOptions
from .pipeline import Pipeline
from .pubsub import Message, Subscription

__all__ = [
    "EXCLUDED",
    "AskError",
    "AuthenticationError",
    "BusyError",
    "CacheConfig",
    "CacheStatistics",
    "Client",
    "ConnectionError",
    "ConnectionOptions",
    "ExecAbortError",
    "Message",
    "MovedError",
    "NoAuthError",
    "NoPermError",
    "NoScriptError",
    "Pipeline",
    "ReadOnlyError",
    "RedisError",
    "ResponseError",
    "RoutingStatistics",
    "Subscription",
    "TimeoutError",
    "WatchError",
    "WrongTypeError",
    "open_client",
]
