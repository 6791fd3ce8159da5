"""The reply reader: a server's bytes -> reply values, for the client and the replication link.

Sans-IO, in the h11 manner: :meth:`ReplyReader.feed` takes bytes and
:meth:`ReplyReader.next_reply` returns one complete reply or :data:`NEED_DATA`.
Every RESP2 and RESP3 type is read into the shapes of :mod:`protocol.resp.values`:

    +  SimpleString          -  ErrorReply          :  int
    $  bytes ($-1: None)     *  list (*-1: NULL_ARRAY)
    _  None                  ,  float               #  bool
    (  BigNumber             !  ErrorReply          =  Verbatim
    %  dict                  ~  RespSet             >  Push
    |  Attribute wrapping the value that follows

A map key that is an aggregate is made hashable (arrays become tuples, maps tuples of
pairs, sets RespSet of a tuple). RESP3 streamed strings and aggregates (``$?``,
``*?``) are not supported: Redis never sends them. Anything that is not RESP raises
:class:`~protocol.errors.ProtocolError` and the reader is dead.

How it works: like the request parser, fed chunks are only appended to a list and
joined when a reply can progress (enough bytes for an announced bulk, or a chunk
carrying a ``\\n`` while a line is awaited), so a big bulk arriving in small chunks
is joined once. Nested aggregates are read with an explicit stack of open frames
that survives between calls: an array of a million elements arriving in pieces is
read once, never re-parsed from its start, and deep nesting never recurses.
:attr:`ReplyReader.consumed` counts the bytes of the replies returned, which the
replication link uses for its offset.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import attrs

from protocol import errors
from protocol.errors import ProtocolError
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

__all__ = ["NEED_DATA", "ReplyReader"]


class _NeedData:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NEED_DATA"


NEED_DATA: Any = _NeedData()
"""Returned by :meth:`ReplyReader.next_reply` when no complete reply is buffered."""

_INTEGER = re.compile(rb"[+-]?[0-9]+")
_DOUBLE = re.compile(
    rb"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?inf|[+-]?nan",
    re.IGNORECASE,
)

# Open aggregate frames on the stack: [kind, expected item count, items, attributes].
_ARRAY, _SET, _PUSH, _MAP, _ATTRIBUTES, _ATTRIBUTED = range(6)
_AGGREGATE_KINDS = {
    ord("*"): _ARRAY,
    ord("~"): _SET,
    ord(">"): _PUSH,
    ord("%"): _MAP,
    ord("|"): _ATTRIBUTES,
}
_BLOB_MARKERS = frozenset(b"$!=")
_NEVER = sys.maxsize


@attrs.define(eq=False)
class ReplyReader:
    _buffer: bytes = attrs.field(default=b"", init=False)
    _pos: int = attrs.field(default=0, init=False)
    _chunks: list[bytes] = attrs.field(factory=list, init=False)
    _chunks_len: int = attrs.field(default=0, init=False)
    _needed: int = attrs.field(default=1, init=False)
    _awaiting_line: bool = attrs.field(default=False, init=False)
    # Where the line search resumes, relative to _pos (the part before holds no CRLF).
    _line_scan: int = attrs.field(default=0, init=False)
    _stack: list[list[Any]] = attrs.field(factory=list, init=False)
    _frame_start: int = attrs.field(default=0, init=False)
    _consumed: int = attrs.field(default=0, init=False)
    _error: ProtocolError | None = attrs.field(default=None, init=False)

    @property
    def consumed(self) -> int:
        """Total bytes of the replies returned so far."""
        return self._consumed

    def feed(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        if not data:
            return
        if type(data) is not bytes:
            data = bytes(data)
        self._chunks.append(data)
        self._chunks_len += len(data)
        if self._awaiting_line and b"\n" in data:
            self._needed = 0

    def take_buffered(self) -> bytes:
        """Remove and return every byte fed but not yet read (the replication link
        switches to raw reading for an RDB payload). Only between replies."""
        if self._stack:
            raise RuntimeError("take_buffered() in the middle of an aggregate reply")
        rest = b"".join([memoryview(self._buffer)[self._pos :], *self._chunks])
        self._buffer = b""
        self._pos = 0
        self._chunks.clear()
        self._chunks_len = 0
        self._needed = 1
        self._awaiting_line = False
        self._line_scan = 0
        return rest

    def next_reply(self) -> Any:
        """The next complete reply, or :data:`NEED_DATA`."""
        if self._error is not None:
            raise self._error
        if len(self._buffer) - self._pos + self._chunks_len < self._needed:
            return NEED_DATA
        if self._chunks:
            self._merge()
        try:
            return self._read()
        except ProtocolError as error:
            self._error = error
            raise

    def _merge(self) -> None:
        chunks = self._chunks
        if self._pos >= len(self._buffer):
            self._buffer = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        else:
            self._buffer = b"".join([memoryview(self._buffer)[self._pos :], *chunks])
        # _frame_start counts from the old buffer start: keep it relative to _pos.
        self._frame_start -= self._pos
        self._pos = 0
        chunks.clear()
        self._chunks_len = 0

    def _read(self) -> Any:
        buf = self._buffer
        pos = self._pos
        end = len(buf)
        stack = self._stack
        scan = self._line_scan
        if not stack:
            self._frame_start = pos
        while True:
            if pos >= end:
                return self._suspend(pos, 1, False, 0)
            line_end = buf.find(b"\r\n", pos + scan)
            if line_end < 0:
                return self._suspend(pos, _NEVER, True, max(end - pos - 1, 0))
            scan = 0
            marker = buf[pos]
            line = buf[pos + 1 : line_end]
            if marker in _BLOB_MARKERS:
                length = _integer(line, "length")
                if length == -1 and marker == 36:
                    value: Any = None
                    pos = line_end + 2
                else:
                    if length < 0:
                        raise ProtocolError(errors.PROTOCOL_BAD_REPLY_LINE.format("length", line))
                    start = line_end + 2
                    stop = start + length
                    if stop + 2 > end:
                        return self._suspend(pos, stop + 2 - pos, False, 0)
                    if buf[stop : stop + 2] != b"\r\n":
                        raise ProtocolError(errors.PROTOCOL_BAD_REPLY_TERMINATOR)
                    value = _blob(marker, buf[start:stop])
                    pos = stop + 2
            elif marker in _AGGREGATE_KINDS:
                count = _integer(line, "aggregate length")
                pos = line_end + 2
                kind = _AGGREGATE_KINDS[marker]
                if count == -1 and kind == _ARRAY:
                    value = NULL_ARRAY
                elif count < 0:
                    raise ProtocolError(
                        errors.PROTOCOL_BAD_REPLY_LINE.format("aggregate length", line)
                    )
                else:
                    size = 2 * count if kind in (_MAP, _ATTRIBUTES) else count
                    stack.append([kind, size, [], None])
                    if size:
                        continue
                    value = self._close_frames()
                    if value is NEED_DATA:
                        continue
                    return self._finish(pos, value)
            else:
                value = _simple(marker, line)
                pos = line_end + 2
            if stack:
                stack[-1][2].append(value)
                value = self._close_frames()
                if value is NEED_DATA:
                    continue
            return self._finish(pos, value)

    def _finish(self, pos: int, value: Any) -> Any:
        self._consumed += pos - self._frame_start
        self._pos = pos
        self._needed = 0
        self._awaiting_line = False
        self._line_scan = 0
        return value

    def _close_frames(self) -> Any:
        """Close every full frame on top of the stack; the finished reply, or
        NEED_DATA while an enclosing frame still expects items."""
        stack = self._stack
        while stack:
            kind, size, items, attributes = stack[-1]
            if len(items) < size:
                return NEED_DATA
            stack.pop()
            if kind == _ATTRIBUTES:
                stack.append([_ATTRIBUTED, 1, [], _pairs_to_dict(items)])
                return NEED_DATA
            value = _build(kind, items, attributes)
            if stack:
                stack[-1][2].append(value)
            else:
                return value
        raise AssertionError("_close_frames() with an empty stack")

    def _suspend(self, pos: int, needed: int, awaiting_line: bool, line_scan: int) -> Any:
        self._pos = pos
        self._needed = needed
        self._awaiting_line = awaiting_line
        self._line_scan = line_scan
        return NEED_DATA


def _build(kind: int, items: list[Any], attributes: Any) -> Any:
    if kind == _ARRAY:
        return items
    if kind == _MAP:
        return _pairs_to_dict(items)
    if kind == _SET:
        return RespSet(items)
    if kind == _PUSH:
        return Push(items)
    return Attribute(attributes, items[0])


def _pairs_to_dict(items: list[Any]) -> dict[Any, Any]:
    return {_hashable(items[i]): items[i + 1] for i in range(0, len(items), 2)}


def _hashable(key: Any) -> Any:
    kind = type(key)
    if kind is list or kind is tuple:
        return tuple(map(_hashable, key))
    if kind is dict:
        return tuple((_hashable(k), _hashable(v)) for k, v in key.items())
    if kind is RespSet:
        return RespSet(tuple(map(_hashable, key.items)))
    if kind is Push:
        return Push(tuple(map(_hashable, key.items)))
    if kind is Attribute:
        return Attribute(_hashable(key.attributes), _hashable(key.value))
    return key


def _integer(line: bytes, what: str) -> int:
    if _INTEGER.fullmatch(line) is None:
        raise ProtocolError(errors.PROTOCOL_BAD_REPLY_LINE.format(what, line))
    return int(line)


def _blob(marker: int, data: bytes) -> Any:
    if marker == 36:  # $
        return data
    if marker == 33:  # !
        return ErrorReply(data.decode("utf-8", "surrogateescape"))
    if len(data) < 4 or data[3] != 58:  # = needs "fmt:" first
        raise ProtocolError(errors.PROTOCOL_BAD_REPLY_LINE.format("verbatim string", data[:16]))
    return Verbatim(data[4:], data[:3])


def _simple(marker: int, line: bytes) -> Any:
    if marker == 43:  # +
        return SimpleString(line)
    if marker == 45:  # -
        return ErrorReply(line.decode("utf-8", "surrogateescape"))
    if marker == 58:  # :
        return _integer(line, "integer")
    if marker == 95:  # _
        if line:
            raise ProtocolError(errors.PROTOCOL_BAD_REPLY_LINE.format("null", line))
        return None
    if marker == 44:  # ,
        if _DOUBLE.fullmatch(line) is None:
            raise ProtocolError(errors.PROTOCOL_BAD_REPLY_LINE.format("double", line))
        return float(line)
    if marker == 35:  # #
        if line == b"t":
            return True
        if line == b"f":
            return False
        raise ProtocolError(errors.PROTOCOL_BAD_REPLY_LINE.format("boolean", line))
    if marker == 40:  # (
        return BigNumber(_integer(line, "big number"))
    raise ProtocolError(errors.PROTOCOL_BAD_REPLY_TYPE.format(chr(marker)))
