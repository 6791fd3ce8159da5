"""Turn reply values into the plain shapes of ``redis_7_0_15`` for comparison."""

from __future__ import annotations

from typing import Any

from protocol.resp.values import RespSet, SimpleString


def plain(value: Any) -> Any:
    if isinstance(value, SimpleString):
        return ("+", value.decode())
    if isinstance(value, RespSet):
        return ("~", [plain(item) for item in value.items])
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value
