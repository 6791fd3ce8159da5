"""The reply writer: exact RESP2 and RESP3 bytes for every reply type, and client commands."""

from __future__ import annotations

from typing import Any

import pytest

from protocol.resp import (
    NULL_ARRAY,
    OK,
    Attribute,
    BigNumber,
    ErrorReply,
    Push,
    RespSet,
    SimpleString,
    Verbatim,
    encode,
    encode_command,
    encode_many,
    format_double,
)

INF = float("inf")


@pytest.mark.parametrize(
    ("value", "resp2", "resp3"),
    [
        (b"hello", b"$5\r\nhello\r\n", b"$5\r\nhello\r\n"),
        (b"", b"$0\r\n\r\n", b"$0\r\n\r\n"),
        (b"a\r\nb", b"$4\r\na\r\nb\r\n", b"$4\r\na\r\nb\r\n"),
        ("héllo", b"$6\r\nh\xc3\xa9llo\r\n", b"$6\r\nh\xc3\xa9llo\r\n"),
        (bytearray(b"ab"), b"$2\r\nab\r\n", b"$2\r\nab\r\n"),
        (OK, b"+OK\r\n", b"+OK\r\n"),
        (SimpleString(b"QUEUED"), b"+QUEUED\r\n", b"+QUEUED\r\n"),
        (0, b":0\r\n", b":0\r\n"),
        (-1, b":-1\r\n", b":-1\r\n"),
        (255, b":255\r\n", b":255\r\n"),
        (-(2**63), b":-9223372036854775808\r\n", b":-9223372036854775808\r\n"),
        (True, b":1\r\n", b"#t\r\n"),
        (False, b":0\r\n", b"#f\r\n"),
        (None, b"$-1\r\n", b"_\r\n"),
        (NULL_ARRAY, b"*-1\r\n", b"_\r\n"),
        (0.1, b"$19\r\n0.10000000000000001\r\n", b",0.10000000000000001\r\n"),
        (3.0, b"$1\r\n3\r\n", b",3\r\n"),
        (-0.0, b"$2\r\n-0\r\n", b",-0\r\n"),
        (1e300, b"$23\r\n1.0000000000000001e+300\r\n", b",1.0000000000000001e+300\r\n"),
        (1e-5, b"$22\r\n1.0000000000000001e-05\r\n", b",1.0000000000000001e-05\r\n"),
        (INF, b"$3\r\ninf\r\n", b",inf\r\n"),
        (-INF, b"$4\r\n-inf\r\n", b",-inf\r\n"),
        (float("nan"), b"$3\r\nnan\r\n", b",nan\r\n"),
        ([], b"*0\r\n", b"*0\r\n"),
        ([b"a", b"bc"], b"*2\r\n$1\r\na\r\n$2\r\nbc\r\n", b"*2\r\n$1\r\na\r\n$2\r\nbc\r\n"),
        ((1, [None]), b"*2\r\n:1\r\n*1\r\n$-1\r\n", b"*2\r\n:1\r\n*1\r\n_\r\n"),
        ({}, b"*0\r\n", b"%0\r\n"),
        (
            {b"k": 1, b"l": [b"x"]},
            b"*4\r\n$1\r\nk\r\n:1\r\n$1\r\nl\r\n*1\r\n$1\r\nx\r\n",
            b"%2\r\n$1\r\nk\r\n:1\r\n$1\r\nl\r\n*1\r\n$1\r\nx\r\n",
        ),
        (RespSet([b"a", 2]), b"*2\r\n$1\r\na\r\n:2\r\n", b"~2\r\n$1\r\na\r\n:2\r\n"),
        (
            Push([b"message", b"ch", b"hi"]),
            b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
            b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
        ),
        (Verbatim(b"# Server\r\n"), b"$10\r\n# Server\r\n\r\n", b"=14\r\ntxt:# Server\r\n\r\n"),
        (Verbatim(b"x", b"mkd"), b"$1\r\nx\r\n", b"=5\r\nmkd:x\r\n"),
        (
            BigNumber(3492890328409238509324850943850943825024385),
            b"$43\r\n3492890328409238509324850943850943825024385\r\n",
            b"(3492890328409238509324850943850943825024385\r\n",
        ),
        (BigNumber(-5), b"$2\r\n-5\r\n", b"(-5\r\n"),
        (
            Attribute({b"ttl": 3}, b"v"),
            b"$1\r\nv\r\n",
            b"|1\r\n$3\r\nttl\r\n:3\r\n$1\r\nv\r\n",
        ),
        (ErrorReply("ERR no such key"), b"-ERR no such key\r\n", b"-ERR no such key\r\n"),
        (ErrorReply("ERR a\r\nb\nc"), b"-ERR a  b c\r\n", b"-ERR a  b c\r\n"),
        (
            ErrorReply("ERR Protocol error: expected '$', got '\udcff'"),
            b"-ERR Protocol error: expected '$', got '\xff'\r\n",
            b"-ERR Protocol error: expected '$', got '\xff'\r\n",
        ),
        (
            [ErrorReply("WRONGTYPE x"), OK, INF],
            b"*3\r\n-WRONGTYPE x\r\n+OK\r\n$3\r\ninf\r\n",
            b"*3\r\n-WRONGTYPE x\r\n+OK\r\n,inf\r\n",
        ),
    ],
)
def test_every_reply_type_has_exact_bytes_in_both_protocols(
    value: Any, resp2: bytes, resp3: bytes
) -> None:
    assert encode(value, resp3=False) == resp2
    assert encode(value, resp3=True) == resp3
    assert encode_many([value], resp3=False) == resp2
    assert encode_many([value], resp3=True) == resp3


def test_encode_many_concatenates_a_batch_of_replies() -> None:
    batch = [OK, b"v", 7, None, [b"a", b"b"], {b"f": 1.5}]
    assert encode_many(batch, resp3=True) == b"".join(encode(value, True) for value in batch)
    assert encode_many(batch, resp3=False) == (
        b"+OK\r\n$1\r\nv\r\n:7\r\n$-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        b"*2\r\n$1\r\nf\r\n$3\r\n1.5\r\n"
    )
    assert encode_many([], resp3=True) == b""


@pytest.mark.parametrize("value", [object(), {1, 2}, 1j])
def test_unknown_value_type_is_our_bug_and_raises_type_error(value: Any) -> None:
    with pytest.raises(TypeError):
        encode(value, resp3=True)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.5, b"1.5"), (10.0, b"10"), (1 / 3, b"0.33333333333333331"), (INF, b"inf"),
     (-INF, b"-inf"), (float("nan"), b"nan"), (1e17, b"1e+17"), (123456789.0, b"123456789")],
)
def test_format_double_prints_like_redis_percent_17g(value: float, text: bytes) -> None:
    assert format_double(value) == text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([b"PING"], b"*1\r\n$4\r\nPING\r\n"),
        (["SET", "k", "é"], b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\xc3\xa9\r\n"),
        ([b"INCRBY", b"k", -12], b"*3\r\n$6\r\nINCRBY\r\n$1\r\nk\r\n$3\r\n-12\r\n"),
        (["INCRBYFLOAT", "k", 0.1], b"*3\r\n$11\r\nINCRBYFLOAT\r\n$1\r\nk\r\n$3\r\n0.1\r\n"),
        (["ZADD", "z", INF, "m"], b"*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$3\r\ninf\r\n$1\r\nm\r\n"),
        ([b"SET", b"k", b""], b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"),
        ([memoryview(b"GET"), bytearray(b"k")], b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
        ([], b"*0\r\n"),
    ],
)
def test_encode_command_converts_arguments_like_redis_py(args: list[Any], expected: bytes) -> None:
    assert encode_command(args) == expected


@pytest.mark.parametrize("bad", [True, None, [b"x"], object()])
def test_encode_command_refuses_arguments_redis_py_refuses(bad: Any) -> None:
    with pytest.raises(TypeError):
        encode_command([b"SET", b"k", bad])
