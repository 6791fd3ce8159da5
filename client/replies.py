"""Reply values -> the Python shapes redis-py users expect.

:func:`converter` builds the one function that turns a reply as the sans-IO
reader returns it (:mod:`protocol.resp.values`) into plain Python: status and bulk
strings to ``bytes`` (``str`` with ``decode=True``), RESP3 maps to ``dict``, sets to
``set``, big numbers to ``int``, verbatim strings to their text, attributes to their
value, the null array to ``None``, and an error nested in an array (EXEC's results)
to a :class:`~client.errors.ResponseError` instance. A top-level error reply never
gets here: the caller raises it.

The callbacks after it are per command (the command methods pick them): they see
the converted value, in either RESP version, decoded or not, and return what
redis-py returns for that command (``True`` for ``OK``, ``bool`` for SETNX/EXPIRE,
``(cursor, keys)`` for SCAN, a dict for INFO and CONFIG GET ...).
"""

from __future__ import annotations

from typing import Any, Callable

from protocol.resp.values import (
    NULL_ARRAY,
    Attribute,
    BigNumber,
    ErrorReply,
    Push,
    RespSet,
    SimpleString,
    Verbatim,
)

from .errors import error_from_reply

__all__ = ["Callback", "converter"]

Callback = Callable[[Any], Any]


def converter(decode: bool, encoding: str = "utf-8") -> Callable[[Any], Any]:
    """The conversion function for a client's ``decode`` setting."""

    def convert(value: Any) -> Any:
        kind = type(value)
        if kind is bytes:
            return value.decode(encoding) if decode else value
        if kind is int or value is None or kind is float or kind is bool:
            return value
        if kind is list:
            return [convert(item) for item in value]
        if kind is SimpleString:
            return value.decode(encoding) if decode else bytes(value)
        if kind is dict:
            return {convert(key): convert(item) for key, item in value.items()}
        if kind is tuple:
            return tuple(convert(item) for item in value)
        if kind is RespSet:
            return {convert(item) for item in value.items}
        if kind is Push:
            return [convert(item) for item in value.items]
        if kind is Verbatim:
            return value.text.decode(encoding) if decode else value.text
        if kind is BigNumber:
            return value.value
        if kind is Attribute:
            return convert(value.value)
        if kind is ErrorReply:
            return error_from_reply(value)
        if value is NULL_ARRAY:
            return None
        raise TypeError(f"unexpected reply value {value!r}")

    return convert


def text(value: Any) -> str:
    """A converted string reply as ``str`` whatever the decode setting."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def ok(value: Any) -> bool:
    """``+OK`` -> True (redis-py's ``bool_ok``)."""
    return value == b"OK" or value == "OK"


def ok_or_none(value: Any) -> bool | None:
    """SET: True when it ran, None when NX/XX stopped it."""
    return None if value is None else ok(value)


def to_bool(value: Any) -> Any:
    """An integer reply 1/0 -> True/False; None stays None."""
    return value if value is None else bool(value)


def to_float(value: Any) -> float | None:
    return None if value is None else float(value)


def to_int(value: Any) -> int | None:
    return None if value is None else int(value)


def ping(value: Any) -> Any:
    return True if value in (b"PONG", "PONG") else value


def pairs_to_dict(value: Any) -> dict[Any, Any]:
    """A RESP3 map, or its RESP2 flat array of keys and values, as a dict."""
    if isinstance(value, dict):
        return value
    if value is None:
        return {}
    return dict(zip(value[::2], value[1::2]))


def scan(value: Any) -> tuple[int, list[Any]]:
    cursor, keys = value
    return int(cursor), keys


def time_reply(value: Any) -> tuple[int, int]:
    return int(value[0]), int(value[1])


def _info_value(raw: str) -> Any:
    if "," in raw and "=" in raw:
        return {name: _info_value(item) for name, _, item in (p.partition("=") for p in raw.split(","))}
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def info(value: Any) -> dict[str, Any]:
    """INFO's text as redis-py parses it: ``name: value`` lines, numbers as numbers,
    ``a=1,b=2`` values (the keyspace lines) as dicts; ``# Section`` lines skipped."""
    parsed: dict[str, Any] = {}
    for line in text(value).splitlines():
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, _, raw = line.partition(":")
        parsed[name] = _info_value(raw)
    return parsed


def client_info(value: Any) -> dict[str, str]:
    """One CLIENT INFO / CLIENT LIST line: ``id=3 addr=... name=...``."""
    fields = {}
    for pair in text(value).strip().split(" "):
        name, _, item = pair.partition("=")
        fields[name] = item
    return fields


def client_list(value: Any) -> list[dict[str, str]]:
    return [client_info(line) for line in text(value).splitlines() if line.strip()]


def lcs(value: Any) -> Any:
    """LCS IDX replies a map (RESP3) or a flat array (RESP2)."""
    return pairs_to_dict(value) if isinstance(value, list) else value
