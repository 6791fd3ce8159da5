"""RESP reply values: the Python shapes every layer uses for a reply.

A reply is a plain Python value wherever one fits, so the hot path allocates
nothing special:

    bytes / str       bulk string (str is encoded as UTF-8)
    SimpleString      status reply (``+OK``)
    int               integer (``bool`` is a RESP3 boolean, RESP2 integer 1/0)
    float             RESP3 double; RESP2 bulk string in Redis's ``%.17g`` form
    Double            RESP3 double with the caller's digits; RESP2 bulk string
    None              null (RESP2 ``$-1``)
    NULL_ARRAY        null where Redis 2 replies ``*-1`` (RESP3 ``_``)
    list / tuple      array
    dict              RESP3 map; RESP2 flat array of key, value, ...
    RespSet           RESP3 set; RESP2 array
    Push              RESP3 push; RESP2 array
    Verbatim          RESP3 verbatim string; RESP2 bulk string
    BigNumber         RESP3 big number; RESP2 bulk string
    Attribute         RESP3 attribute before a value; RESP2 only the value
    ErrorReply        error (``-ERR ...``)

Values are immutable where that is cheap; lists are built by handlers and not
touched after they are returned.
"""

from __future__ import annotations

from typing import Any

import attrs


class SimpleString(bytes):
    """A status reply: written as ``+<text>\\r\\n``."""

    __slots__ = ()


class Double(bytes):
    """A double already formatted by the caller (e.g. Redis's ``%.17Lf`` digits
    for coordinates): ``,<text>`` in RESP3, a bulk string in RESP2."""

    __slots__ = ()


OK = SimpleString(b"OK")
PONG = SimpleString(b"PONG")
QUEUED = SimpleString(b"QUEUED")


class _NullArray:
    """The null array: ``*-1`` in RESP2, ``_`` in RESP3."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL_ARRAY"


NULL_ARRAY = _NullArray()


@attrs.frozen
class ErrorReply:
    """An error reply. ``message`` is the full text after the ``-``, e.g.
    ``"ERR wrong number of arguments for 'get' command"``."""

    message: str

    @property
    def prefix(self) -> str:
        return self.message.split(" ", 1)[0]


@attrs.frozen
class RespSet:
    items: list[Any]


@attrs.frozen
class Push:
    items: list[Any]


@attrs.frozen
class Verbatim:
    text: bytes
    format: bytes = b"txt"


@attrs.frozen
class BigNumber:
    value: int


@attrs.frozen
class Attribute:
    attributes: dict[Any, Any]
    value: Any
