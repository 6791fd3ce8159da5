"""The request parser: a client's bytes -> argument lists, read exactly as Redis 7.0 reads them.

Sans-IO: :class:`RequestParser` takes bytes with :meth:`~RequestParser.feed` and hands
back complete requests (``list[bytes]``) with :meth:`~RequestParser.requests` (every
complete request buffered, the server's hot path) or :meth:`~RequestParser.next_request`
(one, or ``None`` for "need more data"). It never touches a socket or a clock.

Both request forms Redis accepts (``networking.c``):

* multibulk ``*<count>\\r\\n`` then ``count`` times ``$<len>\\r\\n<bytes>\\r\\n``. A count
  of zero or below is an empty request and is skipped. As in Redis, the two bytes after
  a header's ``\\r`` and after a bulk payload are skipped without being checked.
* inline: one line up to ``\\n`` (a ``\\r`` before it is dropped), split like Redis's
  ``sdssplitargs`` (double quotes with ``\\n \\r \\t \\b \\a \\xHH`` escapes, single
  quotes with ``\\'`` only, a closing quote must be followed by a space or the end).
  An empty line is skipped.

Redis finds header and inline line ends with ``strchr``, so a NUL byte before the line
end hides it: such a request never completes and ends in the "too big" error once more
than ``max_inline_size`` bytes are buffered. That is reproduced here. A line longer than
``max_inline_size`` is refused however it was chunked (Redis's check depends on its
16 KiB read size; ours does not, so chunking never changes the outcome).

Errors are the peer's fault and final: :class:`~protocol.errors.ProtocolError` with
Redis's text, after which the parser is dead (every later call raises the same error).
When :meth:`~RequestParser.requests` meets an error after some complete requests, it
returns those requests and keeps the error in :attr:`~RequestParser.error`; the
connection runs them, writes ``-ERR <message>`` and closes, exactly like Redis, which
executes the requests before the bad bytes. :class:`QueryBufferLimitExceeded` (more than
``max_query_buffer`` bytes of one unfinished request) is the one error Redis answers
with no reply at all: it logs and drops the client.

How it works: fed chunks are only appended to a list. They are joined into the one
``bytes`` buffer when parsing can progress: when as many bytes are buffered as the
request in progress was known to need (a bulk payload's length, one byte more after a
header's ``\\r``), or when a chunk brings the line terminator awaited. So a big bulk
arriving in many small chunks is joined once (linear time), and when a read holds whole
requests the buffer *is* that read, with no copy. Partial multibulk state (arguments so
far, bulk length) is kept, so nothing is parsed twice. Lines are found with
``bytes.find`` and lengths read with ``int()`` on slices; no per-byte Python loop
except for quoted inline requests.
"""

from __future__ import annotations

import attrs

from protocol import errors
from protocol.errors import ProtocolError

__all__ = [
    "ParserStatistics",
    "QueryBufferLimitExceeded",
    "RequestParser",
    "split_inline_args",
]

INT_MAX = 2**31 - 1
_LLONG_MIN = -(2**63)
_LONG_STR_SIZE = 21
# Redis refuses bigger counts and bulks before AUTH (networking.c, authRequired()).
_UNAUTHENTICATED_MAX_MULTIBULK = 10
_UNAUTHENTICATED_MAX_BULK = 16384

_STAR = ord("*")
_DOLLAR = ord("$")
_CR = ord("\r")
_BACKSLASH = ord("\\")
_DOUBLE_QUOTE = ord('"')
_SINGLE_QUOTE = ord("'")
_SMALL_X = ord("x")
# C isspace() in the "C" locale: skipped between arguments and required after a quote.
_ISSPACE = frozenset(b" \t\n\r\x0b\x0c")
# sdssplitargs ends an unquoted argument only on these (0 is the end of the line).
_UNQUOTED_END = frozenset(b" \n\r\t\x00")
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_ESCAPES = {ord("n"): ord("\n"), ord("r"): ord("\r"), ord("t"): ord("\t"),
            ord("b"): ord("\b"), ord("a"): ord("\a")}
# Bytes that send an inline line to the exact sdssplitargs loop instead of bytes.split().
_SLOW_INLINE_BYTES = (b'"', b"'", b"\x0b", b"\x0c")


class QueryBufferLimitExceeded(ProtocolError):
    """More than ``max_query_buffer`` bytes of an unfinished request are buffered.

    Redis sends nothing: it logs ``Closing client that reached max query buffer
    length`` and closes the connection. The connection should do the same.
    """


@attrs.frozen
class ParserStatistics:
    buffered_bytes: int
    """Bytes received and not yet consumed (Redis's ``qbuf``)."""
    partial_argument_count: int
    """Arguments already read of a multibulk request still incomplete."""
    partial_argument_bytes: int
    """Their total size (Redis's ``argv-mem``)."""


@attrs.define(eq=False)
class RequestParser:
    """Parses a client's request stream. Limits may be changed between feeds
    (CONFIG SET); ``authenticated`` is turned on by the connection after AUTH when
    the server requires a password (before that Redis refuses multibulk counts over
    10 and bulks over 16384 bytes)."""

    max_bulk_len: int = attrs.field(default=512 * 1024 * 1024, kw_only=True)
    max_query_buffer: int = attrs.field(default=1024**3, kw_only=True)
    max_inline_size: int = attrs.field(default=64 * 1024, kw_only=True)
    # Redis 7.0 accepts any count up to INT_MAX (6.x stopped at 1024*1024).
    max_multibulk_len: int = attrs.field(default=INT_MAX, kw_only=True)
    authenticated: bool = attrs.field(default=True, kw_only=True)

    _buffer: bytes = attrs.field(default=b"", init=False)
    _pos: int = attrs.field(default=0, init=False)
    _chunks: list[bytes] = attrs.field(factory=list, init=False)
    _chunks_len: int = attrs.field(default=0, init=False)
    # Parsing cannot progress before this many bytes (from _pos) are buffered,
    # unless a fed chunk contains _terminator.
    _needed: int = attrs.field(default=1, init=False)
    _terminator: bytes | None = attrs.field(default=None, init=False)
    # The multibulk request in progress: arguments so far, how many are still
    # expected, and the current bulk's announced length (-1 before its header).
    _args: list[bytes] | None = attrs.field(default=None, init=False)
    _args_left: int = attrs.field(default=0, init=False)
    _bulk_len: int = attrs.field(default=-1, init=False)
    _error: ProtocolError | None = attrs.field(default=None, init=False)

    @property
    def error(self) -> ProtocolError | None:
        """The error that killed the parser, or ``None``. Set when :meth:`requests`
        returned the requests before the bad bytes and deferred the error."""
        return self._error

    def feed(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        if not data:
            return
        if type(data) is not bytes:
            data = bytes(data)
        self._chunks.append(data)
        self._chunks_len += len(data)
        if self._terminator is not None and self._terminator in data:
            self._needed = 0

    def next_request(self) -> list[bytes] | None:
        """The next complete request, or ``None`` if more data is needed."""
        found: list[list[bytes]] = []
        self._parse(found, 1)
        return found[0] if found else None

    def requests(self) -> list[list[bytes]]:
        """Every complete request buffered, in order (empty if none)."""
        found: list[list[bytes]] = []
        self._parse(found, -1)
        return found

    def statistics(self) -> ParserStatistics:
        args = self._args or []
        return ParserStatistics(
            buffered_bytes=len(self._buffer) - self._pos + self._chunks_len,
            partial_argument_count=len(args),
            partial_argument_bytes=sum(map(len, args)),
        )

    def _merge(self) -> None:
        chunks = self._chunks
        if self._pos >= len(self._buffer):
            self._buffer = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        else:
            self._buffer = b"".join([memoryview(self._buffer)[self._pos :], *chunks])
        self._pos = 0
        chunks.clear()
        self._chunks_len = 0

    def _fail(self, found: list[list[bytes]], error: ProtocolError) -> None:
        self._error = error
        if not found:
            raise error

    def _parse(self, found: list[list[bytes]], limit: int) -> None:
        """Append up to ``limit`` requests (-1: all) to ``found``; on the way out
        save where parsing stopped and what it needs to go on."""
        if self._error is not None:
            raise self._error
        available = len(self._buffer) - self._pos + self._chunks_len
        if available < self._needed:
            if available > self.max_query_buffer:
                self._fail(found, QueryBufferLimitExceeded(errors.PROTOCOL_QUERY_BUFFER_LIMIT))
            return
        if self._chunks:
            self._merge()
        buf = self._buffer
        find = buf.find
        pos = self._pos
        end = len(buf)
        max_inline = self.max_inline_size
        # One comparison per header on the hot path; the slow path tells which limit.
        count_limit = self.max_multibulk_len
        bulk_limit = self.max_bulk_len
        if not self.authenticated:
            count_limit = min(count_limit, _UNAUTHENTICATED_MAX_MULTIBULK)
            bulk_limit = min(bulk_limit, _UNAUTHENTICATED_MAX_BULK)
        args = self._args
        left = self._args_left
        bulk_len = self._bulk_len
        terminator: bytes | None = None
        if (
            args is None
            and limit < 0
            and self.authenticated
            and end - pos <= _FAST_PATH_MAX_BUFFER
            and pos < end
            and buf[pos] == _STAR
        ):
            pos = _parse_simple_multibulks(buf, pos, found)
        while True:
            if args is None:
                if pos >= end:
                    needed = 1
                    break
                if buf[pos] != _STAR:
                    line_end = find(b"\n", pos)
                    if line_end < 0 or line_end - pos > max_inline:
                        if line_end >= 0 or end - pos > max_inline:
                            return self._fail(found, ProtocolError(errors.PROTOCOL_TOO_BIG_INLINE))
                        needed = max_inline + 1
                        terminator = b"\n"
                        break
                    if line_end > pos and buf[line_end - 1] == _CR:
                        line = buf[pos : line_end - 1]
                    else:
                        line = buf[pos:line_end]
                    if b"\0" in line:
                        if end - pos > max_inline:
                            return self._fail(found, ProtocolError(errors.PROTOCOL_TOO_BIG_INLINE))
                        needed = max_inline + 1
                        break
                    pos = line_end + 1
                    try:
                        argv = split_inline_args(line)
                    except ProtocolError as error:
                        return self._fail(found, error)
                    if argv:
                        found.append(argv)
                        if len(found) == limit:
                            needed = 0
                            break
                    continue
                header_end = find(b"\r", pos)
                if header_end < 0 or header_end - pos > max_inline:
                    if header_end >= 0 or end - pos > max_inline:
                        return self._fail(found, ProtocolError(errors.PROTOCOL_TOO_BIG_MBULK_COUNT))
                    needed = max_inline + 1
                    terminator = b"\r"
                    break
                if header_end + 1 >= end:
                    needed = header_end + 2 - pos
                    break
                digits = buf[pos + 1 : header_end]
                if digits.isdigit() and digits[0] != 48:
                    count = int(digits)
                else:
                    parsed = _string2ll(digits)
                    if parsed is None:
                        if b"\0" in digits:
                            if end - pos > max_inline:
                                return self._fail(
                                    found, ProtocolError(errors.PROTOCOL_TOO_BIG_MBULK_COUNT)
                                )
                            needed = max_inline + 1
                            break
                        return self._fail(
                            found, ProtocolError(errors.PROTOCOL_INVALID_MULTIBULK_LENGTH)
                        )
                    count = parsed
                if count > count_limit:
                    if count > self.max_multibulk_len:
                        text = errors.PROTOCOL_INVALID_MULTIBULK_LENGTH
                    else:
                        text = errors.PROTOCOL_UNAUTHENTICATED_MULTIBULK_LENGTH
                    return self._fail(found, ProtocolError(text))
                pos = header_end + 2
                if count <= 0:
                    continue
                args = []
                left = count
            while left:
                if bulk_len < 0:
                    header_end = find(b"\r", pos)
                    if header_end < 0 or header_end - pos > max_inline:
                        if header_end >= 0 or end - pos > max_inline:
                            return self._fail(
                                found, ProtocolError(errors.PROTOCOL_TOO_BIG_BULK_COUNT)
                            )
                        needed = max_inline + 1
                        terminator = b"\r"
                        break
                    if header_end + 1 >= end:
                        needed = header_end + 2 - pos
                        break
                    digits = buf[pos + 1 : header_end]
                    if buf[pos] == _DOLLAR and digits.isdigit() and digits[0] != 48:
                        bulk_len = int(digits)
                    else:
                        if b"\0" in buf[pos:header_end]:
                            if end - pos > max_inline:
                                return self._fail(
                                    found, ProtocolError(errors.PROTOCOL_TOO_BIG_BULK_COUNT)
                                )
                            needed = max_inline + 1
                            break
                        if buf[pos] != _DOLLAR:
                            got = buf[pos : pos + 1].decode("utf-8", "surrogateescape")
                            return self._fail(
                                found, ProtocolError(errors.PROTOCOL_EXPECTED_DOLLAR.format(got))
                            )
                        parsed = _string2ll(digits)
                        if parsed is None or parsed < 0:
                            return self._fail(
                                found, ProtocolError(errors.PROTOCOL_INVALID_BULK_LENGTH)
                            )
                        bulk_len = parsed
                    if bulk_len > bulk_limit:
                        if bulk_len > self.max_bulk_len:
                            text = errors.PROTOCOL_INVALID_BULK_LENGTH
                        else:
                            text = errors.PROTOCOL_UNAUTHENTICATED_BULK_LENGTH
                        return self._fail(found, ProtocolError(text))
                    pos = header_end + 2
                stop = pos + bulk_len
                if stop + 2 > end:
                    needed = stop + 2 - pos
                    break
                args.append(buf[pos:stop])
                pos = stop + 2
                bulk_len = -1
                left -= 1
            else:
                found.append(args)
                args = None
                if len(found) == limit:
                    needed = 0
                    break
                continue
            break
        self._pos = pos
        self._args = args
        self._args_left = left
        self._bulk_len = bulk_len
        self._needed = needed
        self._terminator = terminator
        if needed and end - pos > self.max_query_buffer:
            self._fail(found, QueryBufferLimitExceeded(errors.PROTOCOL_QUERY_BUFFER_LIMIT))


def _string2ll(digits: bytes) -> int | None:
    """Redis's ``string2ll``: an optional ``-``, no leading zero, no sign ``+``,
    no spaces, fewer than 21 characters, within a signed 64-bit integer."""
    if not digits or len(digits) >= _LONG_STR_SIZE:
        return None
    if digits == b"0":
        return 0
    magnitude = digits[1:] if digits[0] == ord("-") else digits
    if not magnitude.isdigit() or magnitude[0] == ord("0"):
        return None
    value = int(digits)
    if not _LLONG_MIN <= value < -_LLONG_MIN:
        return None
    return value


def split_inline_args(line: bytes) -> list[bytes]:
    """Split one inline request line like Redis's ``sdssplitargs``.

    Raises :class:`~protocol.errors.ProtocolError` on unbalanced quotes or a closing
    quote followed by anything but a space.
    """
    for special in _SLOW_INLINE_BYTES:
        if special in line:
            break
    else:
        return line.split()
    args: list[bytes] = []
    size = len(line)
    i = 0
    while True:
        while i < size and line[i] in _ISSPACE:
            i += 1
        if i >= size:
            return args
        current = bytearray()
        in_double = in_single = done = False
        while not done:
            char = line[i] if i < size else 0
            following = line[i + 1] if i + 1 < size else 0
            if in_double:
                if (
                    char == _BACKSLASH
                    and following == _SMALL_X
                    and i + 3 < size
                    and line[i + 2] in _HEX_DIGITS
                    and line[i + 3] in _HEX_DIGITS
                ):
                    current.append(int(line[i + 2 : i + 4], 16))
                    i += 3
                elif char == _BACKSLASH and following:
                    i += 1
                    current.append(_ESCAPES.get(following, following))
                elif char == _DOUBLE_QUOTE:
                    if following and following not in _ISSPACE:
                        raise ProtocolError(errors.PROTOCOL_UNBALANCED_QUOTES)
                    done = True
                elif not char:
                    raise ProtocolError(errors.PROTOCOL_UNBALANCED_QUOTES)
                else:
                    current.append(char)
            elif in_single:
                if char == _BACKSLASH and following == _SINGLE_QUOTE:
                    i += 1
                    current.append(_SINGLE_QUOTE)
                elif char == _SINGLE_QUOTE:
                    if following and following not in _ISSPACE:
                        raise ProtocolError(errors.PROTOCOL_UNBALANCED_QUOTES)
                    done = True
                elif not char:
                    raise ProtocolError(errors.PROTOCOL_UNBALANCED_QUOTES)
                else:
                    current.append(char)
            elif char in _UNQUOTED_END:
                done = True
            elif char == _DOUBLE_QUOTE:
                in_double = True
            elif char == _SINGLE_QUOTE:
                in_single = True
            else:
                current.append(char)
            if i < size:
                i += 1
        args.append(bytes(current))


_FAST_PATH_MAX_BUFFER = 1024 * 1024
_BULK_HEADERS = [b"$%d" % length for length in range(4096)]
_HEADER_OF_LENGTH = _BULK_HEADERS.__getitem__
# "*1".."*9999": the multibulk counts the fast path takes (no sign, no leading zero).
_MULTIBULK_COUNTS = {b"*%d" % count: count for count in range(1, 10_000)}


def _parse_simple_multibulks(buf: bytes, pos: int, found: list[list[bytes]]) -> int:
    """The hot path for pipelines of ordinary multibulk requests: split the
    buffer on CRLF once (in C) and take each request's arguments as slices of
    that list. Every ``$len`` header is then checked against its argument's
    length, all requests at once (one comparison of two lists, in C); if one
    does not match (a bulk holding CRLF, odd headers), the requests before it
    are kept. Stops at the first request that is incomplete, inline, or
    anything but canonical, and returns the position there; the general parser
    goes on from it, so results are identical either way."""
    lines = buf[pos:].split(b"\r\n")
    last = len(lines) - 1  # the piece after the final CRLF is never complete
    count_of = _MULTIBULK_COUNTS.get
    requests: list[list[bytes]] = []
    ends: list[int] = []
    headers: list[bytes] = []
    arguments: list[bytes] = []
    index = 0
    while index < last:
        count = count_of(lines[index])
        if count is None:
            break
        stop = index + 1 + 2 * count
        if stop > last:
            break
        args = lines[index + 2 : stop : 2]
        headers += lines[index + 1 : stop : 2]
        arguments += args
        requests.append(args)
        ends.append(stop)
        index = stop
    if not requests:
        return pos
    if not _headers_match(headers, arguments):
        index = 0
        for kept, (args, stop) in enumerate(zip(requests, ends)):
            if not _headers_match(lines[index + 1 : stop : 2], args):
                del requests[kept:]
                break
            index = stop
        if not requests:
            return pos
    found += requests
    return pos + sum(map(len, lines[:index])) + 2 * index


def _headers_match(headers: list[bytes], arguments: list[bytes]) -> bool:
    """Whether each header is exactly ``$<length of its argument>``."""
    try:
        return list(map(_HEADER_OF_LENGTH, map(len, arguments))) == headers
    except IndexError:  # an argument of 4096 bytes or more: the general parser takes it
        return False
