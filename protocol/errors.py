"""Every Redis error text shardis can send, in one place.

Texts are byte-identical to Redis 7. Handlers raise :class:`CommandError`
with one of these texts (or a formatter below); the dispatcher turns it into
an :class:`~protocol.resp.values.ErrorReply`. No other module spells out a
Redis error literal.
"""

from __future__ import annotations


class CommandError(Exception):
    """A command failed with a Redis error reply; ``message`` is the full text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProtocolError(Exception):
    """The peer sent bytes that are not RESP. Redis replies ``-ERR <message>``
    and closes the connection. ``message`` starts with ``Protocol error:``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# generic
SYNTAX = "ERR syntax error"
NOT_INTEGER = "ERR value is not an integer or out of range"
NOT_FLOAT = "ERR value is not a valid float"
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NO_SUCH_KEY = "ERR no such key"
INCR_OVERFLOW = "ERR increment or decrement would overflow"
INCR_NAN_OR_INF = "ERR increment would produce NaN or Infinity"
DECR_MIN = "ERR decrement would overflow"
LCS_LEN_AND_IDX = "ERR If you want both the length and indexes, please just use IDX."
LCS_NOT_STRINGS = "ERR The specified keys must contain string values"
UNSUPPORTED_OPTION = "ERR Unsupported option {}"
GT_AND_LT = "ERR GT and LT options at the same time are not compatible"
STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
OFFSET_OUT_OF_RANGE = "ERR offset is out of range"
INVALID_EXPIRE = "ERR invalid expire time in '{}' command"
DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range"
INVALID_FIRST_DB = "ERR invalid first DB index"
INVALID_SECOND_DB = "ERR invalid second DB index"
SAME_OBJECT = "ERR source and destination objects are the same"
NOT_POSITIVE = "ERR {} must be positive"
NX_XX_GT_LT = "ERR NX and XX, GT or LT options at the same time are not compatible"
GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible"
TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range"
TIMEOUT_NEGATIVE = "ERR timeout is negative"
INVALID_CURSOR = "ERR invalid cursor"
OBJECT_FREQ_NOT_LFU = (
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time "
    "to adjust."
)
OBJECT_IDLETIME_LFU = (
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust."
)
NOAUTH = "NOAUTH Authentication required."
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."
NOT_ALLOWED_IN_PUBSUB = (
    "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
    "are allowed in this context"
)
DEBUG_DISABLED = (
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server."
)

# connection
AUTH_WITHOUT_PASSWORD = (
    "ERR AUTH <password> called without any password configured for the default user. "
    "Are you sure your configuration is correct?"
)
NOPROTO = "NOPROTO unsupported protocol version"
PROTOCOL_VERSION_NOT_INTEGER = "ERR Protocol version is not an integer or out of range"
NOAUTH_HELLO = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"
CLIENT_NAME_CHARS = "ERR Client names cannot contain spaces, newlines or special characters."
INVALID_CLIENT_ID = "ERR client-id should be greater than 0"
NO_SUCH_CLIENT = "ERR No such client"
TIMEOUT_NOT_INTEGER = "ERR timeout is not an integer or out of range"
CLIENT_PAUSE_MODE = "ERR CLIENT PAUSE mode must be WRITE or ALL"
INVALID_CLIENT_ID_IN_LIST = "ERR Invalid client ID"


def no_such_user(name: bytes) -> str:
    return f"ERR No such user '{name.decode('utf-8', 'replace')}'"


def subcommand_syntax(sub: bytes, container: bytes) -> str:
    """Redis's ``addReplySubcommandSyntaxError``: names as the client sent them."""
    return (
        f"ERR unknown subcommand or wrong number of arguments for "
        f"'{sub.decode('utf-8', 'replace')[:128]}'. Try {container.decode('utf-8', 'replace').upper()} HELP."
    )


def hello_syntax(option: bytes) -> str:
    return f"ERR Syntax error in HELLO option '{option.decode('utf-8', 'replace')}'"


def unknown_client_type(kind: bytes) -> str:
    return f"ERR Unknown client type '{kind.decode('utf-8', 'replace')}'"


def unrecognized_setinfo(attribute: bytes) -> str:
    return f"ERR Unrecognized option '{attribute.decode('utf-8', 'replace')}'"


def setinfo_chars(attribute: bytes) -> str:
    return f"ERR {attribute.decode().upper()} cannot contain spaces, newlines or special characters."


NO_CONFIG_FILE = "ERR The server is running without a config file"
NO_SHUTDOWN_IN_PROGRESS = "ERR No shutdown in progress."


def debug_unknown_subcommand(sub: bytes) -> str:
    return unknown_subcommand(sub, "DEBUG")


CLIENT_UNBLOCK_REASON = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"
UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK"


# transactions
MULTI_NESTED = "ERR MULTI calls can not be nested"
EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI"
DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI"
WATCH_IN_MULTI = "ERR WATCH inside MULTI is not allowed"
EXECABORT = "EXECABORT Transaction discarded because of previous errors."
# Redis's execCommandAbort: an EXEC whose queue holds a write that a check
# (-MISCONF ...) now refuses discards the transaction with the check's error.
EXECABORT_BECAUSE = "EXECABORT Transaction discarded because of: {}"
COMMAND_NOT_ALLOWED_IN_MULTI = "ERR Command not allowed inside a transaction"


def unknown_command(name: bytes, args: list[bytes]) -> str:
    """Redis shows the name and then quoted arguments while the list is under
    128 bytes, each cut to fit, every one followed by a space."""
    shown = b""
    for arg in args:
        if len(shown) >= 128:
            break
        shown += b"'" + _c_string(arg)[: 128 - len(shown)] + b"' "
    text = b"ERR unknown command '" + _c_string(name)[:128] + b"', with args beginning with: " + shown
    return _sanitize(text)


def unknown_subcommand(sub: bytes, container: bytes | str) -> str:
    """``container`` is the command name as the client sent it (upper-cased)."""
    parent = container.decode("utf-8", "replace") if isinstance(container, bytes) else container
    return _sanitize(
        b"ERR unknown subcommand '"
        + _c_string(sub)[:128]
        + b"'. Try "
        + parent.upper().encode()
        + b" HELP."
    )


def wrong_arity(name: str) -> str:
    return f"ERR wrong number of arguments for '{name.lower()}' command"


def invalid_expire(name: str) -> str:
    return INVALID_EXPIRE.format(name.lower())


def _c_string(arg: bytes) -> bytes:
    """Redis formats arguments with ``%s``: a NUL byte ends them."""
    return arg.split(b"\0", 1)[0]


def _sanitize(text: bytes) -> str:
    """Newlines would break the protocol; Redis turns CR and LF into spaces."""
    return text.replace(b"\r", b" ").replace(b"\n", b" ").decode("utf-8", "replace")


# COMMAND GETKEYS / GETKEYSANDFLAGS
INVALID_COMMAND_SPECIFIED = "ERR Invalid command specified"
NO_KEY_ARGUMENTS = "ERR The command has no key arguments"
INVALID_NUMBER_OF_ARGUMENTS = "ERR Invalid number of arguments specified for command"
INVALID_ARGUMENTS = "ERR Invalid arguments specified for command"


# ---------------------------------------------------------------------------
# protocol: RESP wire errors (protocol/resp/). These are ProtocolError messages,
# without the "ERR " prefix: the connection sends "-ERR <message>" and closes.
# Texts checked byte for byte against redis-server 7.0.
# ---------------------------------------------------------------------------
PROTOCOL_INVALID_MULTIBULK_LENGTH = "Protocol error: invalid multibulk length"
PROTOCOL_INVALID_BULK_LENGTH = "Protocol error: invalid bulk length"
PROTOCOL_EXPECTED_DOLLAR = "Protocol error: expected '$', got '{}'"
PROTOCOL_UNBALANCED_QUOTES = "Protocol error: unbalanced quotes in request"
PROTOCOL_TOO_BIG_INLINE = "Protocol error: too big inline request"
PROTOCOL_TOO_BIG_MBULK_COUNT = "Protocol error: too big mbulk count string"
PROTOCOL_TOO_BIG_BULK_COUNT = "Protocol error: too big bulk count string"
PROTOCOL_UNAUTHENTICATED_MULTIBULK_LENGTH = "Protocol error: unauthenticated multibulk length"
PROTOCOL_UNAUTHENTICATED_BULK_LENGTH = "Protocol error: unauthenticated bulk length"
# Redis sends no reply here: it logs "Closing client that reached max query
# buffer length" and drops the connection.
PROTOCOL_QUERY_BUFFER_LIMIT = "Protocol error: query buffer limit exceeded"
# the reply reader (a server sent bytes that are not RESP)
PROTOCOL_BAD_REPLY_TYPE = "Protocol error: invalid reply type byte {!r}"
PROTOCOL_BAD_REPLY_LINE = "Protocol error: invalid {} line {!r}"
PROTOCOL_BAD_REPLY_TERMINATOR = "Protocol error: bulk payload not terminated by CRLF"


# ---------------------------------------------------------------------------
# CONFIG SET / startup config. ConfigError messages carry no "ERR " prefix:
# CONFIG SET adds it, startup prints them under "*** FATAL CONFIG ERROR ***".
# ---------------------------------------------------------------------------
CONFIG_NOT_INTEGER = "argument couldn't be parsed into an integer"
CONFIG_NOT_MEMORY = "argument must be a memory value"
CONFIG_NOT_YES_NO = "argument must be 'yes' or 'no'"
CONFIG_INVALID_SAVE = "Invalid save parameters"
CONFIG_IMMUTABLE = "can't set immutable config"
CONFIG_DUPLICATE = "duplicate parameter"


def config_out_of_range(low: int, high: int) -> str:
    return f"argument must be between {low} and {high} inclusive"


def config_not_one_of(choices: tuple[str, ...]) -> str:
    return f"argument(s) must be one of the following: {', '.join(choices)}"


def config_unknown_option(name: bytes) -> str:
    return f"Unknown option or number of arguments for CONFIG SET - '{name.decode('utf-8', 'replace')}'"


def config_set_failed(name: bytes, reason: str) -> str:
    return f"CONFIG SET failed (possibly related to argument '{name.decode('utf-8', 'replace')}') - {reason}"


CONFIG_BAD_DIRECTIVE = "Bad directive or wrong number of arguments"
CONFIG_UNBALANCED_QUOTES = "Unbalanced quotes in configuration line"


def config_bad_directive(name: str) -> str:
    return f"Bad directive or wrong number of arguments: '{name}'"


# ---------------------------------------------------------------------------
# hashes (actors/engine/families/hash.py); field expiry texts are Redis 7.4's
# ---------------------------------------------------------------------------
HASH_NOT_INTEGER = "ERR hash value is not an integer"
HASH_NOT_FLOAT = "ERR hash value is not a float"
VALUE_NAN_OR_INFINITY = "ERR value is NaN or Infinity"
VALUE_OUT_OF_RANGE = "ERR value is out of range"
HRANDFIELD_COUNT_RANGE = (
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)
HASH_FIELDS_KEYWORD = "ERR Mandatory argument FIELDS is missing or not at the right position"
HASH_NUMFIELDS_POSITIVE = "ERR Parameter `numFields` should be greater than 0"
HASH_NUMFIELDS_POSITIVE_INTEGER = "ERR Number of fields must be a positive integer"
HASH_NUMFIELDS_MISMATCH = "ERR The `numfields` parameter must match the number of arguments"
HASH_EXPIRE_NEGATIVE = "ERR invalid expire time, must be >= 0"


# ---------------------------------------------------------------------------
# sorted sets (actors/engine/families/zset.py). Checked against redis-server 7.0.
# ---------------------------------------------------------------------------
ZADD_XX_AND_NX = "ERR XX and NX options at the same time are not compatible"
ZADD_GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible"
ZADD_INCR_SINGLE_PAIR = "ERR INCR option supports a single increment-element pair"
ZSET_SCORE_NAN = "ERR resulting score is not a number (NaN)"
ZSET_MIN_MAX_NOT_FLOAT = "ERR min or max is not a float"
ZSET_MIN_MAX_NOT_LEX = "ERR min or max not valid string range item"
ZRANGE_LIMIT_NEEDS_BY = (
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
)
ZRANGE_WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
ZSET_WEIGHT_NOT_FLOAT = "ERR weight value is not a float"
ZSET_LIMIT_NEGATIVE = "ERR LIMIT can't be negative"
ZSET_NUMKEYS_NOT_POSITIVE = "ERR numkeys should be greater than 0"
ZSET_COUNT_NOT_POSITIVE = "ERR count should be greater than 0"
ZPOP_COUNT_NOT_POSITIVE = "ERR value is out of range, must be positive"
ZRANDMEMBER_COUNT_RANGE = (
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)
ZRANDMEMBER_OUT_OF_RANGE = "ERR value is out of range"


def zset_no_input_keys(name: str) -> str:
    return f"ERR at least 1 input key is needed for '{name}' command"


# ---------------------------------------------------------------------------
# sets and SORT (actors/engine/families/set.py, sort.py). Checked against
# redis-server 7.0.
# ---------------------------------------------------------------------------
SPOP_COUNT_NOT_POSITIVE = "ERR value is out of range, must be positive"
SRANDMEMBER_COUNT_RANGE = (
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)
SINTERCARD_NUMKEYS_NOT_POSITIVE = "ERR numkeys should be greater than 0"
SINTERCARD_TOO_MANY_KEYS = "ERR Number of keys can't be greater than number of args"
SINTERCARD_LIMIT_NEGATIVE = "ERR LIMIT can't be negative"
SORT_SCORE_NOT_DOUBLE = "ERR One or more scores can't be converted into double"


# ---------------------------------------------------------------------------
# lists (actors/engine/families/list.py). Checked against redis-server 7.0.
# ---------------------------------------------------------------------------
LIST_INDEX_OUT_OF_RANGE = "ERR index out of range"
LIST_POP_COUNT_NOT_POSITIVE = "ERR value is out of range, must be positive"
LPOS_RANK_ZERO = (
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
    "or use negative to start from the end of the list"
)
LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative"
LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative"
LMPOP_NUMKEYS_NOT_POSITIVE = "ERR numkeys should be greater than 0"
LMPOP_COUNT_NOT_POSITIVE = "ERR count should be greater than 0"


# ---------------------------------------------------------------------------
# pub/sub, keyspace notifications, client tracking, MONITOR (actors/pubsub.py,
# actors/connection_commands.py). Checked against redis-server 7.0.
# ---------------------------------------------------------------------------
def subscribed_mode_only(name: str) -> str:
    return (
        f"ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
        "PING / QUIT / RESET are allowed in this context"
    )


NOTIFY_BAD_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
OBL_WRONG_ARGS = "Wrong number of arguments in buffer limit configuration."
OBL_BAD_CLASS = "Invalid client class specified in buffer limit configuration."
OBL_BAD_VALUE = "Error in hard, soft or soft_seconds setting in buffer limit configuration."


# ---------------------------------------------------------------------------
# persistence: DUMP/RESTORE, SAVE/BGSAVE, AOF, loading (actors/engine/families/dump.py,
# actors/snapshot.py, actors/aof.py). Checked against redis-server 7.0.
# ---------------------------------------------------------------------------
BUSYKEY = "BUSYKEY Target key name already exists."
RESTORE_BAD_TTL = "ERR Invalid TTL value, must be >= 0"
RESTORE_BAD_IDLETIME = "ERR Invalid IDLETIME value, must be >= 0"
RESTORE_BAD_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255"
DUMP_PAYLOAD_WRONG = "ERR DUMP payload version or checksum are wrong"
BAD_DATA_FORMAT = "ERR Bad data format"
BGSAVE_IN_PROGRESS = "ERR Background save already in progress"
BGSAVE_AOF_REWRITE = (
    "ERR Background append only file rewriting already in progress"
)
SAVE_FAILED = "ERR"
BGSAVE_AOF_BUSY = (
    "ERR Another child process is active (AOF?): can't BGSAVE right now. "
    "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
)
LOADING = "LOADING Redis is loading the dataset in memory"
OOM = "OOM command not allowed when used memory > 'maxmemory'."
MISCONF = (
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
    "persist to disk. Commands that may modify the data set are disabled, because this "
    "instance is configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details "
    "about the RDB error."
)


def misconf_aof(reason: str) -> str:
    """Redis 7.0's refusal of writes after an AOF write or fsync error (strerror text)."""
    return f"MISCONF Errors writing to the AOF file: {reason}"


# ---------------------------------------------------------------------------
# bitmaps, bitfields, HyperLogLog, geo (actors/engine/families/bitmap.py, hll.py,
# geo.py). Checked against redis-server 7.0.
# ---------------------------------------------------------------------------
BIT_OFFSET = "ERR bit offset is not an integer or out of range"
BIT_VALUE = "ERR bit is not an integer or out of range"
BITPOS_BIT = "ERR The bit argument must be 1 or 0."
BITOP_NOT_SINGLE = "ERR BITOP NOT must be called with a single source key."
BITFIELD_TYPE = (
    "ERR Invalid bitfield type. Use something like i16 u8. "
    "Note that u64 is not supported but i64 is."
)
BITFIELD_OVERFLOW = "ERR Invalid OVERFLOW type specified"
BITFIELD_RO_GET_ONLY = "ERR BITFIELD_RO only supports the GET subcommand"
HLL_INVALID = "INVALIDOBJ Corrupted HLL object detected"
HLL_WRONGTYPE = "WRONGTYPE Key is not a valid HyperLogLog string value."
HLL_NO_KEY = "ERR The specified key does not exist"
HLL_NOT_SPARSE = "ERR HLL encoding is not sparse"
HLL_UNKNOWN_DEBUG = "ERR Unknown PFDEBUG subcommand '{}'"
HLL_SELFTEST_FAILED = "ERR TESTFAILED {}"
GEO_INVALID_PAIR = "ERR invalid longitude,latitude pair {:f},{:f}"
GEO_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI"
GEO_NEED_RADIUS = "ERR need numeric radius"
GEO_NEED_WIDTH = "ERR need numeric width"
GEO_NEED_HEIGHT = "ERR need numeric height"
GEO_NEGATIVE_RADIUS = "ERR radius cannot be negative"
GEO_NEGATIVE_BOX = "ERR height or width cannot be negative"
GEO_COUNT = "ERR COUNT must be > 0"
GEO_MEMBER = "ERR could not decode requested zset member"
GEO_STORE_WITH = "ERR {} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
GEO_FROM = "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {}"
GEO_BY = "ERR exactly one of BYRADIUS and BYBOX can be specified for {}"
GEO_ANY = "ERR the ANY argument requires COUNT argument"

# ---------------------------------------------------------------------------
# streams
# ---------------------------------------------------------------------------
STREAM_INVALID_ID = "ERR Invalid stream ID specified as stream command argument"
STREAM_ID_TOO_SMALL = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
STREAM_ID_ZERO = "ERR The ID specified in XADD must be greater than 0-0"
STREAM_EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items"
STREAM_MAXLEN_MINID = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
STREAM_MAXLEN_NEGATIVE = "ERR The MAXLEN argument must be >= 0."
STREAM_LIMIT_NEGATIVE = "ERR The LIMIT argument must be >= 0."
STREAM_LIMIT_NO_STRATEGY = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
STREAM_XTRIM_NO_STRATEGY = "ERR syntax error, XTRIM must be called with a trimming strategy"
STREAM_LIMIT_NOT_APPROX = "ERR syntax error, LIMIT cannot be used without the special ~ option"
STREAM_INVALID_START = "ERR invalid start ID for the interval"
STREAM_INVALID_END = "ERR invalid end ID for the interval"
STREAM_UNBALANCED = "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
STREAM_NOACK_XREAD = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
STREAM_GROUP_XREAD = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
STREAM_MISSING_GROUP = "ERR Missing GROUP option for XREADGROUP"
STREAM_GT_XREAD = (
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
)
STREAM_DOLLAR_XREADGROUP = (
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
    "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would "
    "just return an empty result set."
)
STREAM_NOGROUP_READ = "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option"
STREAM_NOGROUP = "NOGROUP No such key '{}' or consumer group '{}'"
STREAM_GROUP_GONE = "NOGROUP the consumer group this client was blocked on no longer exists"
STREAM_NOGROUP_XGROUP = "NOGROUP No such consumer group '{}' for key name '{}'"
STREAM_XGROUP_NO_KEY = (
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to "
    "use the MKSTREAM option to create an empty stream automatically."
)
STREAM_BUSYGROUP = "BUSYGROUP Consumer Group name already exists"
STREAM_ENTRIES_READ = "ERR value for ENTRIESREAD must be positive or -1"
STREAM_NO_SUCH_KEY = "ERR no such key"
STREAM_SETID_SMALLER = "ERR The ID specified in XSETID is smaller than the target stream top item"
STREAM_SETID_ENTRIES_ADDED = "ERR The entries_added specified in XSETID is smaller than the target stream length"
STREAM_SETID_MAX_DELETED = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
STREAM_XCLAIM_MIN_IDLE = "ERR Invalid min-idle-time argument for XCLAIM"
STREAM_XCLAIM_OPTION = "ERR Invalid {} option argument for XCLAIM"
STREAM_XCLAIM_UNKNOWN = "ERR Unrecognized XCLAIM option '{}'"
STREAM_XAUTOCLAIM_MIN_IDLE = "ERR Invalid min-idle-time argument for XAUTOCLAIM"
STREAM_COUNT_POSITIVE = "ERR COUNT must be > 0"
STREAM_ENTRIES_ADDED_NEGATIVE = "ERR entries_added must be positive"

# -- client-side caching (CLIENT TRACKING / CACHING) --------------------------------
TRACKING_PREFIX_NEEDS_BCAST = "ERR PREFIX option requires BCAST mode to be enabled"
TRACKING_OPTIN_AND_OPTOUT = "ERR You can't specify both OPTIN mode and OPTOUT mode"
TRACKING_OPT_WITH_BCAST = "ERR OPTIN and OPTOUT are not compatible with BCAST"
TRACKING_NO_REDIRECT_CLIENT = "ERR The client ID you want redirect to does not exist"
TRACKING_PREFIX_OVERLAP = (
    "ERR Prefix '{}' overlaps with another provided prefix '{}'. "
    "Prefixes for a single client must not overlap."
)
TRACKING_PREFIX_OVERLAP_EXISTING = (
    "ERR Prefix '{}' overlaps with an existing prefix '{}'. "
    "Prefixes for a single client must not overlap."
)
TRACKING_SWITCH_BCAST = (
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
    "and then re-enabling it with a different mode."
)
TRACKING_SWITCH_OPTIN_OPTOUT = (
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
    "and then re-enabling it with a different mode."
)
CACHING_NEEDS_OPT_MODE = (
    "ERR CLIENT CACHING can be called only when the client is in tracking mode "
    "with OPTIN or OPTOUT mode enabled"
)
CACHING_YES_NEEDS_OPTIN = "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
CACHING_NO_NEEDS_OPTOUT = "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
