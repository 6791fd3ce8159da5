"""URL parsing and the error-prefix mapping: no server needed."""

from __future__ import annotations

import pytest

from client import errors
from client.options import parse_url
from protocol.resp import ErrorReply


def test_redis_url_gives_host_port_credentials_and_db() -> None:
    assert parse_url("redis://alice:s%40cret@example.com:6380/3") == {
        "username": "alice", "password": "s@cret", "host": "example.com", "port": 6380, "db": 3,
    }


def test_password_only_url_has_no_username() -> None:
    assert parse_url("redis://:pw@localhost") == {"password": "pw", "host": "localhost"}


def test_rediss_url_asks_for_tls() -> None:
    assert parse_url("rediss://h:1")["ssl"] is True


def test_unix_url_gives_the_socket_path_and_query_options() -> None:
    assert parse_url("unix:///tmp/redis.sock?db=2&command_timeout=1.5") == {
        "unix_path": "/tmp/redis.sock", "db": 2, "command_timeout": 1.5,
    }


def test_unknown_scheme_and_option_are_refused() -> None:
    with pytest.raises(ValueError, match="scheme"):
        parse_url("http://localhost")
    with pytest.raises(ValueError, match="option"):
        parse_url("redis://localhost?frobnicate=1")


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("WRONGTYPE Operation against a key holding the wrong kind of value", errors.WrongTypeError),
        ("NOAUTH Authentication required.", errors.NoAuthError),
        ("WRONGPASS invalid username-password pair or user is disabled.", errors.AuthenticationError),
        ("NOPERM this user has no permissions", errors.NoPermError),
        ("BUSY Redis is busy running a script.", errors.BusyError),
        ("BUSYKEY Target key name already exists.", errors.BusyError),
        ("READONLY You can't write against a read only replica.", errors.ReadOnlyError),
        ("EXECABORT Transaction discarded because of previous errors.", errors.ExecAbortError),
        ("ERR syntax error", errors.ResponseError),
    ],
)
def test_error_replies_map_to_exceptions_by_prefix(message: str, kind: type) -> None:
    error = errors.error_from_reply(ErrorReply(message))
    assert type(error) is kind
    assert error.message == message


def test_redirections_carry_slot_and_address() -> None:
    moved = errors.error_from_reply(ErrorReply("MOVED 3999 127.0.0.1:6381"))
    assert isinstance(moved, errors.MovedError)
    assert (moved.slot, moved.host, moved.port) == (3999, "127.0.0.1", 6381)
    assert isinstance(errors.error_from_reply(ErrorReply("ASK 1 h:2")), errors.AskError)


def test_transport_errors_are_also_the_builtin_ones() -> None:
    assert issubclass(errors.ConnectionError, ConnectionError)
    assert issubclass(errors.TimeoutError, TimeoutError)
