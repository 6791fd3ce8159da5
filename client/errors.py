"""The client's exceptions, and the one place an error reply becomes one.

Every exception derives from :class:`RedisError`. A server's error reply becomes
a :class:`ResponseError` subclass chosen by the reply's first word (its prefix,
``WRONGTYPE``, ``NOAUTH`` ...), so callers catch the condition they mean, never
match texts. Transport failures are :class:`ConnectionError` (the command may or
may not have run: the client never replays it) and :class:`TimeoutError`.
Both also derive from the builtin of the same name, so ``except OSError`` and
``except builtins.TimeoutError`` keep working.
"""

from __future__ import annotations

import builtins

from protocol.resp.values import ErrorReply

__all__ = [
    "AskError",
    "AuthenticationError",
    "BusyError",
    "ConnectionError",
    "ExecAbortError",
    "MovedError",
    "NoAuthError",
    "NoPermError",
    "NoScriptError",
    "ReadOnlyError",
    "RedisError",
    "ResponseError",
    "TimeoutError",
    "WatchError",
    "WrongTypeError",
    "error_from_reply",
]


class RedisError(Exception):
    """Base of every exception this client raises."""


class ConnectionError(RedisError, builtins.ConnectionError):
    """The connection failed or was lost. A command in flight may have run."""


class TimeoutError(RedisError, builtins.TimeoutError):
    """Connecting or waiting for a reply took longer than its timeout."""


class WatchError(RedisError):
    """EXEC returned null: a watched key changed, the transaction did not run."""


class ResponseError(RedisError):
    """An error reply. ``message`` is the full text, ``prefix`` its first word."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def prefix(self) -> str:
        return self.message.split(" ", 1)[0]


class WrongTypeError(ResponseError):
    """``WRONGTYPE``: the key holds another kind of value."""


class NoAuthError(ResponseError):
    """``NOAUTH``: the connection is not authenticated."""


class AuthenticationError(ResponseError):
    """``WRONGPASS``: the credentials were refused."""


class NoPermError(ResponseError):
    """``NOPERM``: the ACL user may not run this command or touch this key."""


class BusyError(ResponseError):
    """``BUSY`` (a script is running) or ``BUSYKEY`` (the target key exists)."""


class ReadOnlyError(ResponseError):
    """``READONLY``: a write was sent to a read-only replica."""


class ExecAbortError(ResponseError):
    """``EXECABORT``: a command was rejected while queueing, EXEC ran nothing."""


class NoScriptError(ResponseError):
    """``NOSCRIPT``: EVALSHA of an unknown script."""


class _RedirectError(ResponseError):
    """A cluster redirection: ``<PREFIX> <slot> <host>:<port>``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        parts = message.split(" ")
        self.slot = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
        host, _, port = (parts[2] if len(parts) > 2 else "").rpartition(":")
        self.host = host
        self.port = int(port) if port.isdigit() else 0


class MovedError(_RedirectError):
    """``MOVED``: the slot lives on another node for good."""


class AskError(_RedirectError):
    """``ASK``: the slot is migrating; ask the other node once."""


_BY_PREFIX: dict[str, type[ResponseError]] = {
    "WRONGTYPE": WrongTypeError,
    "NOAUTH": NoAuthError,
    "WRONGPASS": AuthenticationError,
    "NOPERM": NoPermError,
    "BUSY": BusyError,
    "BUSYKEY": BusyError,
    "READONLY": ReadOnlyError,
    "EXECABORT": ExecAbortError,
    "NOSCRIPT": NoScriptError,
    "MOVED": MovedError,
    "ASK": AskError,
}


def error_from_reply(reply: ErrorReply) -> ResponseError:
    """The exception for an error reply, chosen by its prefix."""
    return _BY_PREFIX.get(reply.prefix, ResponseError)(reply.message)
