"""ReplyReader: every RESP2/RESP3 type, chunked input, garbage, and round-trips with the writer."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.errors import ProtocolError
from protocol.resp import (
    NEED_DATA,
    NULL_ARRAY,
    Attribute,
    BigNumber,
    ErrorReply,
    Push,
    ReplyReader,
    RespSet,
    SimpleString,
    Verbatim,
    encode,
    encode_many,
)


def typed(value: Any) -> Any:
    """The value with every type made visible, so True != 1 and b"OK" != SimpleString(b"OK")."""
    kind = type(value)
    if kind is list or kind is tuple:
        return (kind.__name__, [typed(item) for item in value])
    if kind is dict:
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if kind in (RespSet, Push):
        return (kind.__name__, typed(list(value.items)))
    if kind is Attribute:
        return ("Attribute", typed(value.attributes), typed(value.value))
    if kind is float and math.isnan(value):
        return ("float", "nan")
    return (kind.__name__, value)


def read_all(chunks: list[bytes]) -> list[Any]:
    reader = ReplyReader()
    replies = []
    for chunk in chunks:
        reader.feed(chunk)
        while (reply := reader.next_reply()) is not NEED_DATA:
            replies.append(reply)
    return replies


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"+OK\r\n", SimpleString(b"OK")),
        (b"+\r\n", SimpleString(b"")),
        (b"-ERR unknown command\r\n", ErrorReply("ERR unknown command")),
        (b"-ERR bad \xff\r\n", ErrorReply("ERR bad \udcff")),
        (b":42\r\n", 42),
        (b":-9223372036854775808\r\n", -(2**63)),
        (b":+7\r\n", 7),
        (b"$5\r\nhello\r\n", b"hello"),
        (b"$0\r\n\r\n", b""),
        (b"$4\r\na\r\nb\r\n", b"a\r\nb"),
        (b"$-1\r\n", None),
        (b"*-1\r\n", NULL_ARRAY),
        (b"*0\r\n", []),
        (b"*2\r\n$1\r\na\r\n:1\r\n", [b"a", 1]),
        (b"*2\r\n*1\r\n*0\r\n*-1\r\n", [[[]], NULL_ARRAY]),
        (b"_\r\n", None),
        (b",1.5\r\n", 1.5),
        (b",inf\r\n", math.inf),
        (b",-inf\r\n", -math.inf),
        (b",1.23E+10\r\n", 1.23e10),
        (b",10\r\n", 10.0),
        (b"#t\r\n", True),
        (b"#f\r\n", False),
        (b"(3492890328409238509324850943850943825024385\r\n",
         BigNumber(3492890328409238509324850943850943825024385)),
        (b"!21\r\nSYNTAX invalid syntax\r\n", ErrorReply("SYNTAX invalid syntax")),
        (b"=15\r\ntxt:Some string\r\n", Verbatim(b"Some string", b"txt")),
        (b"=4\r\nmkd:\r\n", Verbatim(b"", b"mkd")),
        (b"%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
         {SimpleString(b"first"): 1, SimpleString(b"second"): 2}),
        (b"%0\r\n", {}),
        (b"%1\r\n*2\r\n:1\r\n:2\r\n+v\r\n", {(1, 2): SimpleString(b"v")}),
        (b"~3\r\n+a\r\n+b\r\n:1\r\n", RespSet([SimpleString(b"a"), SimpleString(b"b"), 1])),
        (b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", Push([b"message", b"ch", b"hi"])),
        (b"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2\r\n",
         Attribute({SimpleString(b"key-popularity"): {b"a": 0.19}}, [2])),
        (b"*2\r\n|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n:9\r\n",
         [Attribute({SimpleString(b"ttl"): 3}, b"v"), 9]),
        (b"|0\r\n:1\r\n", Attribute({}, 1)),
    ],
)
def test_every_resp_type_reads_into_its_value_shape(data: bytes, expected: Any) -> None:
    reader = ReplyReader()
    reader.feed(data)
    assert typed(reader.next_reply()) == typed(expected)
    assert reader.next_reply() is NEED_DATA
    assert reader.consumed == len(data)


@pytest.mark.parametrize(
    "data",
    [
        b"?x\r\n",
        b":12a\r\n",
        b":\r\n",
        b"$x\r\n",
        b"$-2\r\n",
        b"$3\r\nabcde\r\n",
        b"*-2\r\n",
        b"%-1\r\n",
        b"#x\r\n",
        b",1.2.3\r\n",
        b",infinity\r\n",
        b"_x\r\n",
        b"(1.5\r\n",
        b"=3\r\ntxt\r\n",
        b"$?\r\n",
        b"*?\r\n",
    ],
)
def test_garbage_raises_protocol_error_and_kills_the_reader(data: bytes) -> None:
    reader = ReplyReader()
    reader.feed(data)
    with pytest.raises(ProtocolError) as caught:
        reader.next_reply()
    assert caught.value.message.startswith("Protocol error: ")
    with pytest.raises(ProtocolError):
        reader.next_reply()


def test_reply_fed_byte_at_a_time_is_read_when_complete() -> None:
    data = b"*3\r\n$5\r\nhello\r\n%1\r\n+k\r\n,2.5\r\n|1\r\n+a\r\n:1\r\n#t\r\n"
    reader = ReplyReader()
    for index in range(len(data) - 1):
        reader.feed(data[index : index + 1])
        assert reader.next_reply() is NEED_DATA
    reader.feed(data[-1:])
    expected = [b"hello", {SimpleString(b"k"): 2.5}, Attribute({SimpleString(b"a"): 1}, True)]
    assert typed(reader.next_reply()) == typed(expected)


def test_big_bulk_in_small_chunks_is_joined_once(monkeypatch: pytest.MonkeyPatch) -> None:
    merges = 0
    original = ReplyReader._merge

    def counting_merge(self: ReplyReader) -> None:
        nonlocal merges
        merges += 1
        original(self)

    monkeypatch.setattr(ReplyReader, "_merge", counting_merge)
    payload = bytes(range(256)) * 4096
    data = encode(payload, resp3=True)
    assert read_all([data[i : i + 1000] for i in range(0, len(data), 1000)]) == [payload]
    assert merges <= 3


def test_long_simple_string_in_small_chunks_is_joined_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    merges = 0
    original = ReplyReader._merge

    def counting_merge(self: ReplyReader) -> None:
        nonlocal merges
        merges += 1
        original(self)

    monkeypatch.setattr(ReplyReader, "_merge", counting_merge)
    data = b"+" + b"s" * 20000 + b"\r\n"
    assert read_all([data[i : i + 7] for i in range(0, len(data), 7)]) == [b"s" * 20000]
    assert merges <= 3


def test_big_array_in_small_chunks_is_not_reparsed_from_its_start() -> None:
    items = [b"%d" % i for i in range(20000)]
    data = encode(items, resp3=False)
    assert read_all([data[i : i + 64] for i in range(0, len(data), 64)]) == [items]


def test_deeply_nested_arrays_do_not_recurse() -> None:
    depth = 5000
    data = b"*1\r\n" * depth + b":1\r\n"
    value = read_all([data])[0]
    for _ in range(depth):
        value = value[0]
    assert value == 1


def test_consumed_counts_the_bytes_of_the_replies_returned() -> None:
    reader = ReplyReader()
    reader.feed(b"*1\r\n$4\r\nPING\r\n*2\r\n$3")
    assert reader.next_reply() == [b"PING"]
    assert reader.consumed == 14
    assert reader.next_reply() is NEED_DATA
    reader.feed(b"\r\nSET\r\n:1\r\n")
    assert reader.next_reply() == [b"SET", 1]
    assert reader.consumed == 14 + 17


def test_take_buffered_hands_back_the_unread_bytes() -> None:
    reader = ReplyReader()
    reader.feed(b"+FULLRESYNC abc 0\r\n$5\r\nRED")
    reader.feed(b"IS")
    assert reader.next_reply() == SimpleString(b"FULLRESYNC abc 0")
    assert reader.take_buffered() == b"$5\r\nREDIS"
    reader.feed(b":1\r\n")
    assert reader.next_reply() == 1


leaf_values = st.one_of(
    st.binary(max_size=20),
    st.binary(max_size=10).filter(lambda b: b"\r" not in b and b"\n" not in b).map(SimpleString),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.integers().map(BigNumber),
    st.builds(Verbatim, st.binary(max_size=10),
              st.sampled_from([b"txt", b"mkd"])),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
        max_size=10,
    ).map(lambda text: ErrorReply("ERR " + text)),
)
hashable_keys = st.one_of(st.binary(max_size=8), st.integers(min_value=-1000, max_value=1000))
reply_values = st.recursive(
    leaf_values,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(hashable_keys, children, max_size=3),
        st.lists(children, max_size=3).map(RespSet),
        st.lists(children, max_size=3).map(Push),
        st.builds(Attribute, st.dictionaries(hashable_keys, children, max_size=2), children),
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(reply_values, min_size=1, max_size=4),
    cuts=st.lists(st.integers(min_value=0, max_value=400)),
)
def test_resp3_replies_read_back_equal_in_any_chunking(values: list[Any], cuts: list[int]) -> None:
    data = encode_many(values, resp3=True)
    points = sorted({min(cut, len(data)) for cut in cuts})
    chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)])]
    assert typed(read_all(chunks)) == typed(values)


resp2_values = st.recursive(
    st.one_of(
        st.binary(max_size=20),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.none(),
        st.binary(max_size=10).filter(lambda b: b"\r" not in b and b"\n" not in b).map(
            SimpleString
        ),
    ),
    lambda children: st.lists(children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(resp2_values, min_size=1, max_size=4))
def test_resp2_replies_read_back_equal_byte_at_a_time(values: list[Any]) -> None:
    data = encode_many(values, resp3=False)
    chunks = [data[i : i + 1] for i in range(len(data))]
    assert typed(read_all(chunks)) == typed(values)


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(
        st.one_of(
            st.binary(max_size=6),
            st.sampled_from([b"*1\r\n", b"%1\r\n", b"|1\r\n", b"$3\r\n", b"\r\n", b":1\r\n",
                             b"+x\r\n", b"~2\r\n", b">0\r\n", b"=5\r\n", b"_\r\n"]),
        ),
        max_size=20,
    ).map(b"".join)
)
def test_malformed_replies_only_yield_values_or_protocol_errors(data: bytes) -> None:
    reader = ReplyReader()
    reader.feed(data)
    try:
        while reader.next_reply() is not NEED_DATA:
            pass
    except ProtocolError:
        pass
