"""The reply writer: reply values (see :mod:`protocol.resp.values`) -> RESP2 or RESP3 bytes,
and a client's command -> a multibulk request.

RESP3 is written as the RESP3 specification says. RESP2 is the downgrade Redis 7.0
applies (``networking.c``): a map becomes a flat array of keys and values, a set and a
push become arrays, a double becomes a bulk string in ``%.17g`` form (``inf``/``-inf``),
a boolean becomes the integer 1 or 0, null becomes ``$-1`` (``*-1`` for
:data:`~protocol.resp.values.NULL_ARRAY`), verbatim strings and big numbers become bulk
strings, and an attribute is dropped, leaving its value.

:func:`encode_many` is the hot path: the connection serialises a whole batch of
replies into one ``bytes`` for one send. Values are dispatched on their exact type,
the common ones first; the pieces are collected in one list and joined once.
An error reply's message has ``\\r`` and ``\\n`` replaced by spaces, as Redis's
``addReplyErrorLength`` callers do, and is written with ``surrogateescape`` so bytes
that came from a client go back out unchanged. A value of an unknown type is our bug,
not the peer's: it raises ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from protocol.resp.values import (
    NULL_ARRAY,
    Attribute,
    BigNumber,
    Double,
    ErrorReply,
    Push,
    RespSet,
    SimpleString,
    Verbatim,
)

__all__ = ["encode", "encode_command", "encode_many", "format_double"]

_CRLF = b"\r\n"
_RESP2_NULL = b"$-1\r\n"
_RESP2_NULL_ARRAY = b"*-1\r\n"
_RESP3_NULL = b"_\r\n"
_SMALL_INTS = [b":%d\r\n" % number for number in range(-1, 256)]
_ERROR_NEWLINES = str.maketrans("\r\n", "  ")


def encode(value: Any, resp3: bool) -> bytes:
    """One reply value as RESP3 (``resp3=True``) or RESP2 bytes."""
    kind = type(value)
    if kind is bytes:
        return b"$%d\r\n%b\r\n" % (len(value), value)
    if kind is SimpleString:
        return b"+%b\r\n" % value
    pieces: list[bytes] = []
    _write(pieces, value, resp3)
    return b"".join(pieces)


def encode_many(values: Iterable[Any], resp3: bool) -> bytes:
    """A batch of replies, concatenated, as one ``bytes``."""
    pieces: list[bytes] = []
    append = pieces.append
    for value in values:
        kind = type(value)
        if kind is bytes:
            append(b"$%d\r\n" % len(value))
            append(value)
            append(_CRLF)
        elif kind is SimpleString:
            append(b"+%b\r\n" % value)
        elif kind is int:
            append(_SMALL_INTS[value + 1] if -1 <= value <= 255 else b":%d\r\n" % value)
        elif value is None:
            append(_RESP3_NULL if resp3 else _RESP2_NULL)
        else:
            _write(pieces, value, resp3)
    return b"".join(pieces)


def _write(pieces: list[bytes], value: Any, resp3: bool) -> None:
    append = pieces.append
    kind = type(value)
    if kind is bytes:
        append(b"$%d\r\n" % len(value))
        append(value)
        append(_CRLF)
    elif kind is SimpleString:
        append(b"+%b\r\n" % value)
    elif kind is int:
        append(_SMALL_INTS[value + 1] if -1 <= value <= 255 else b":%d\r\n" % value)
    elif value is None:
        append(_RESP3_NULL if resp3 else _RESP2_NULL)
    elif kind is list or kind is tuple:
        append(b"*%d\r\n" % len(value))
        if all(type(item) is bytes for item in value):
            for item in value:
                append(b"$%d\r\n" % len(item))
                append(item)
                append(_CRLF)
        else:
            for item in value:
                _write(pieces, item, resp3)
    elif kind is str:
        data = value.encode("utf-8", "surrogateescape")
        append(b"$%d\r\n" % len(data))
        append(data)
        append(_CRLF)
    elif kind is ErrorReply:
        message = value.message.translate(_ERROR_NEWLINES)
        append(b"-%b\r\n" % message.encode("utf-8", "surrogateescape"))
    elif kind is bool:
        if resp3:
            append(b"#t\r\n" if value else b"#f\r\n")
        else:
            append(b":1\r\n" if value else b":0\r\n")
    elif kind is Double:
        if resp3:
            append(b",%b\r\n" % value)
        else:
            append(b"$%d\r\n%b\r\n" % (len(value), value))
    elif kind is float:
        text = format_double(value)
        if resp3:
            append(b",%b\r\n" % text)
        else:
            append(b"$%d\r\n%b\r\n" % (len(text), text))
    elif kind is dict:
        if resp3:
            append(b"%%%d\r\n" % len(value))
        else:
            append(b"*%d\r\n" % (2 * len(value)))
        for key, item in value.items():
            _write(pieces, key, resp3)
            _write(pieces, item, resp3)
    elif value is NULL_ARRAY:
        append(_RESP3_NULL if resp3 else _RESP2_NULL_ARRAY)
    elif kind is RespSet or kind is Push:
        marker = (b"~" if kind is RespSet else b">") if resp3 else b"*"
        append(b"%b%d\r\n" % (marker, len(value.items)))
        for item in value.items:
            _write(pieces, item, resp3)
    elif kind is Verbatim:
        if resp3:
            append(b"=%d\r\n" % (len(value.format) + 1 + len(value.text)))
            append(value.format)
            append(b":")
        else:
            append(b"$%d\r\n" % len(value.text))
        append(value.text)
        append(_CRLF)
    elif kind is BigNumber:
        if resp3:
            append(b"(%d\r\n" % value.value)
        else:
            digits = b"%d" % value.value
            append(b"$%d\r\n%b\r\n" % (len(digits), digits))
    elif kind is Attribute:
        if resp3:
            append(b"|%d\r\n" % len(value.attributes))
            for key, item in value.attributes.items():
                _write(pieces, key, resp3)
                _write(pieces, item, resp3)
        _write(pieces, value.value, resp3)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if isinstance(value, SimpleString):
            append(b"+%b\r\n" % data)
        else:
            append(b"$%d\r\n" % len(data))
            append(data)
            append(_CRLF)
    elif isinstance(value, bool):
        _write(pieces, bool(value), resp3)
    elif isinstance(value, int):
        append(b":%d\r\n" % value)
    elif isinstance(value, float):
        _write(pieces, float(value), resp3)
    elif isinstance(value, str):
        _write(pieces, str(value), resp3)
    elif isinstance(value, (list, tuple)):
        _write(pieces, list(value), resp3)
    elif isinstance(value, dict):
        _write(pieces, dict(value), resp3)
    else:
        raise TypeError(f"cannot encode {kind.__name__} as a RESP reply: {value!r}")


def format_double(value: float) -> bytes:
    """A double the way Redis 7.0 prints it: ``%.17g``, with ``inf``/``-inf``/``nan``."""
    if value != value:
        return b"nan"
    if value in (float("inf"), float("-inf")):
        return b"inf" if value > 0 else b"-inf"
    return b"%.17g" % value


def encode_command(args: Iterable[bytes | str | int | float]) -> bytes:
    """A client request as a multibulk of bulk strings. Arguments are converted as
    redis-py does: ``str`` as UTF-8, ``int`` in decimal, ``float`` by ``repr``;
    ``bool`` and anything else raise ``TypeError``."""
    pieces: list[bytes] = [b""]
    append = pieces.append
    count = 0
    for arg in args:
        kind = type(arg)
        if kind is bytes:
            data = arg
        elif kind is str:
            data = arg.encode("utf-8")
        elif isinstance(arg, bool):
            raise TypeError("invalid argument of type bool: convert it to bytes, str or int")
        elif isinstance(arg, (bytes, bytearray, memoryview)):
            data = bytes(arg)
        elif isinstance(arg, int):
            data = b"%d" % arg
        elif isinstance(arg, float):
            data = repr(float(arg)).encode("ascii")
        elif isinstance(arg, str):
            data = str(arg).encode("utf-8")
        else:
            raise TypeError(f"invalid argument of type {kind.__name__}: {arg!r}")
        append(b"$%d\r\n" % len(data))
        append(data)
        append(_CRLF)
        count += 1
    pieces[0] = b"*%d\r\n" % count
    return b"".join(pieces)
