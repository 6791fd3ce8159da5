"""RESP2/RESP3 wire format, sans-IO: reply values, the request parser, the reply
writer and the reply reader. stdlib + attrs only."""

from __future__ import annotations

from protocol.resp.parser import (
    ParserStatistics,
    QueryBufferLimitExceeded,
    RequestParser,
    split_inline_args,
)
from protocol.resp.reader import NEED_DATA, ReplyReader
from protocol.resp.values import (
    NULL_ARRAY,
    OK,
    PONG,
    QUEUED,
    Attribute,
    BigNumber,
    ErrorReply,
    Push,
    RespSet,
    SimpleString,
    Verbatim,
)
from protocol.resp.writer import encode, encode_command, encode_many, format_double

__all__ = [
    "NEED_DATA",
    "NULL_ARRAY",
    "OK",
    "PONG",
    "QUEUED",
    "Attribute",
    "BigNumber",
    "ErrorReply",
    "ParserStatistics",
    "Push",
    "QueryBufferLimitExceeded",
    "ReplyReader",
    "RequestParser",
    "RespSet",
    "SimpleString",
    "Verbatim",
    "encode",
    "encode_command",
    "encode_many",
    "format_double",
    "split_inline_args",
]
