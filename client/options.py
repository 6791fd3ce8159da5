"""Connection options and the URL that spells them.

``redis://[[user]:password@]host[:port][/db][?option=value]``, ``rediss://`` (the
same over TLS) and ``unix://[[user]:password@]/path/to.sock[?db=N]``. Query options:
``db``, ``protocol``, ``client_name``, ``connect_timeout``, ``command_timeout``
(seconds as decimals). Keyword arguments of :func:`client.open_client` override
what the URL says. Every limit and timeout of the client lives here, passed in.
"""

from __future__ import annotations

import ssl as ssl_module
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

__all__ = ["ConnectionOptions", "parse_url"]


@attrs.frozen
class ConnectionOptions:
    host: str = "127.0.0.1"
    port: int = 6379
    unix_path: str | None = None
    username: str | None = None
    password: str | None = None
    db: int = 0
    protocol: int = 3
    decode: bool = False
    encoding: str = "utf-8"
    ssl: ssl_module.SSLContext | None = None
    ssl_server_hostname: str | None = None
    client_name: str | None = None
    # Seconds; None waits for ever.
    connect_timeout: float | None = 10.0
    command_timeout: float | None = None
    # A pooled connection idle longer than this is PINGed before it is handed out.
    health_check_interval: float = 30.0
    # Reconnection: attempts after the first failure, and the backoff bounds.
    reconnect_attempts: int = 3
    backoff_base: float = 0.05
    backoff_cap: float = 2.0
    keepalive: bool = True
    # Run a read-only command again, once, on a new connection when its
    # connection dies in flight (writes are never replayed).
    retry_reads: bool = False
    read_size: int = 65536
    # Cluster redirections (-MOVED / -ASK) one command follows before raising.
    max_redirects: int = 5

    @property
    def address(self) -> str:
        return self.unix_path if self.unix_path is not None else f"{self.host}:{self.port}"


_FLOAT_OPTIONS = ("connect_timeout", "command_timeout", "health_check_interval")
_INT_OPTIONS = ("db", "protocol", "reconnect_attempts")


def parse_url(url: str) -> dict[str, object]:
    """The options a URL names, as keyword arguments for :class:`ConnectionOptions`
    (``ssl`` is True for ``rediss://``; the caller turns it into a context)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    found: dict[str, object] = {}
    if parts.username:
        found["username"] = unquote(parts.username)
    if parts.password is not None:
        found["password"] = unquote(parts.password)
    if scheme in ("redis", "rediss"):
        if parts.hostname:
            found["host"] = unquote(parts.hostname)
        if parts.port is not None:
            found["port"] = parts.port
        path = parts.path.lstrip("/")
        if path:
            found["db"] = int(path)
        if scheme == "rediss":
            found["ssl"] = True
    elif scheme == "unix":
        found["unix_path"] = unquote(parts.path)
    else:
        raise ValueError(f"unsupported URL scheme {parts.scheme!r}: use redis://, rediss:// or unix://")
    for name, values in parse_qs(parts.query).items():
        value = values[-1]
        if name in _FLOAT_OPTIONS:
            found[name] = float(value)
        elif name in _INT_OPTIONS:
            found[name] = int(value)
        elif name == "client_name":
            found[name] = value
        else:
            raise ValueError(f"unknown URL option {name!r}")
    return found
