"""Commands that run in the connection actor (scope CONNECTION).

Each handler is ``async def handler(conn, argv) -> reply`` and touches only its
own connection's state, except CLIENT LIST/KILL/PAUSE, which read the shared
client registry and pause gate in the runtime (the supervisor owns both; the
registry holds each connection's ClientInfo, written only by that connection).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import trio

from protocol import errors
from protocol.commands.introspection import command_reply
from protocol.errors import CommandError
from protocol.resp.values import ErrorReply, OK, PONG, RespSet, SimpleString, Verbatim

from actors.config import REDIS_VERSION
from actors.engine.args import Args, parse_int
from actors.messages import MonitorOn, PublishMany, PubsubQuery, Subscribe, Unsubscribe
from actors.pubsub import pubsub_help
from actors.tracking import parse_tracking

if TYPE_CHECKING:
    from actors.connection import Connection

LocalHandler = Callable[["Connection", list[bytes]], Awaitable[Any]]
LOCAL_HANDLERS: dict[str, LocalHandler] = {}


def local(*names: str) -> Callable[[LocalHandler], LocalHandler]:
    def register(handler: LocalHandler) -> LocalHandler:
        for name in names:
            LOCAL_HANDLERS[name] = handler
        return handler

    return register


@local("ping")
async def ping(conn: Connection, argv: list[bytes]) -> Any:
    if len(argv) > 2:
        raise CommandError(errors.wrong_arity("ping"))
    if conn.subscriptions and not conn.client.resp3:
        return [b"pong", argv[1] if len(argv) > 1 else b""]
    return PONG if len(argv) == 1 else argv[1]


@local("echo")
async def echo(conn: Connection, argv: list[bytes]) -> Any:
    return argv[1]


@local("time")
async def time_(conn: Connection, argv: list[bytes]) -> Any:
    now_us = time.time_ns() // 1000
    return [str(now_us // 1_000_000).encode(), str(now_us % 1_000_000).encode()]


@local("quit")
async def quit_(conn: Connection, argv: list[bytes]) -> Any:
    conn.closing = True
    return OK


@local("reset")
async def reset(conn: Connection, argv: list[bytes]) -> Any:
    conn.discard_transaction()
    conn.db = conn.info.db = 0
    conn.client.resp3 = False
    conn.info.resp = 2
    conn.reply_mode = "on"
    conn.info.name = b""
    conn.info.no_evict = conn.info.no_touch = conn.client.no_touch = False
    conn.authenticated = not conn.runtime.config["requirepass"]
    if conn.pushes is not None:
        reply = await conn.ask_hub(Unsubscribe("all", [], conn.pushes, conn.replies_send, notify=False))
        conn.subscriptions = reply[0]
    if conn.client.tracking is not None:
        await conn.set_tracking(None)  # as Redis: RESET turns tracking off
    if conn.monitoring:
        conn.monitoring = False
        conn.runtime.monitors -= 1
        if conn.runtime.hub is not None:
            conn.runtime.hub.send_nowait(MonitorOn(conn.info.client_id, None))
    return SimpleString(b"RESET")


@local("select")
async def select(conn: Connection, argv: list[bytes]) -> Any:
    index = parse_int(argv[1])
    if not 0 <= index < conn.runtime.config["databases"]:
        raise CommandError(errors.DB_INDEX_OUT_OF_RANGE)
    conn.db = conn.info.db = index
    return OK


@local("auth")
async def auth(conn: Connection, argv: list[bytes]) -> Any:
    if len(argv) > 3:
        raise CommandError(errors.SYNTAX)
    password = conn.runtime.config["requirepass"]
    if len(argv) == 2 and not password:
        raise CommandError(errors.AUTH_WITHOUT_PASSWORD)
    check_credentials(conn, argv[1] if len(argv) == 3 else b"default", argv[-1])
    return OK


def check_credentials(conn: Connection, username: bytes, password: bytes) -> None:
    expected = conn.runtime.config["requirepass"]
    if username != b"default" or (expected and password.decode("utf-8", "surrogateescape") != expected):
        raise CommandError(errors.WRONGPASS)
    conn.authenticated = True


@local("hello")
async def hello(conn: Connection, argv: list[bytes]) -> Any:
    args = Args(argv, 1)
    protocol = None
    if args:
        protocol = parse_int(args.next(), errors.PROTOCOL_VERSION_NOT_INTEGER)
        if protocol not in (2, 3):
            raise CommandError(errors.NOPROTO)
    name = None
    while args:
        option = args.next_keyword()
        if option == b"AUTH" and args.remaining >= 2:
            username, password = args.next(), args.next()
            check_credentials(conn, username, password)
        elif option == b"SETNAME" and args:
            name = args.next()
            validate_client_name(name)
        else:
            raise CommandError(errors.hello_syntax(option))
    if not conn.authenticated:
        raise CommandError(errors.NOAUTH_HELLO)
    if protocol is not None:
        conn.client.resp3 = protocol == 3
        conn.info.resp = protocol
    if name is not None:
        conn.info.name = name
    return {
        b"server": b"redis",
        b"version": REDIS_VERSION.encode(),
        b"proto": conn.info.resp,
        b"id": conn.info.client_id,
        b"mode": b"standalone",
        b"role": b"master",
        b"modules": [],
    }


# -- transactions -------------------------------------------------------------
@local("multi")
async def multi(conn: Connection, argv: list[bytes]) -> Any:
    if conn.multi is not None:
        raise CommandError(errors.MULTI_NESTED)
    conn.multi = []
    conn.multi_failed = False
    conn.info.multi_count = 0
    return OK


@local("exec")
async def exec_(conn: Connection, argv: list[bytes]) -> Any:
    if conn.multi is None:
        raise CommandError(errors.EXEC_WITHOUT_MULTI)
    return await conn.exec_transaction()


@local("discard")
async def discard(conn: Connection, argv: list[bytes]) -> Any:
    if conn.multi is None:
        raise CommandError(errors.DISCARD_WITHOUT_MULTI)
    conn.discard_transaction()
    return OK


@local("watch")
async def watch(conn: Connection, argv: list[bytes]) -> Any:
    if conn.multi is not None:
        raise CommandError(errors.WATCH_IN_MULTI)
    await conn.watch_keys(argv[1:])
    return OK


@local("unwatch")
async def unwatch(conn: Connection, argv: list[bytes]) -> Any:
    conn.release_watches()
    return OK


# -- COMMAND --------------------------------------------------------------------
@local(
    "command", "command|count", "command|list", "command|info", "command|docs",
    "command|getkeys", "command|getkeysandflags", "command|help",
)
async def command(conn: Connection, argv: list[bytes]) -> Any:
    return command_reply(argv[1:])


# -- CLIENT ---------------------------------------------------------------------
def validate_client_name(name: bytes) -> None:
    if any(byte < 33 or byte > 126 for byte in name):
        raise CommandError(errors.CLIENT_NAME_CHARS)


def client_line(conn: Connection, now: float) -> bytes:
    info = conn.info
    tracking = conn.client.tracking
    subs = conn.pushes.subscription_counts if conn.pushes is not None else (0, 0, 0)
    flags = ("O" if conn.monitoring else "") + ("P" if conn.subscriptions else "") + (
        "x" if conn.multi is not None else ""
    ) + (
        tracking.client_list_flags() if tracking is not None else ""
    ) + ("e" if info.no_evict else "") + ("T" if info.no_touch else "")
    fields = [
        ("id", str(info.client_id)), ("addr", info.addr), ("laddr", info.laddr),
        ("fd", str(info.fd)), ("name", info.name.decode("utf-8", "replace")),
        ("age", str(int(now - info.created_at))), ("idle", str(int(now - info.last_interaction))),
        ("flags", flags or "N"), ("db", str(conn.db)), ("sub", str(subs[0])), ("psub", str(subs[1])), ("ssub", str(subs[2])),
        ("multi", str(len(conn.multi) if conn.multi is not None else -1)),
        ("qbuf", "0"), ("qbuf-free", "0"), ("argv-mem", "0"), ("multi-mem", "0"),
        ("rbs", "16384"), ("rbp", "0"), ("obl", "0"), ("oll", "0"), ("omem", "0"),
        ("tot-mem", "0"), ("events", "r"), ("cmd", info.last_command), ("user", "default"),
        ("redir", str(tracking.redirect) if tracking is not None else "-1"), ("resp", str(info.resp)),
        ("lib-name", info.lib_name.decode("utf-8", "replace")),
        ("lib-ver", info.lib_ver.decode("utf-8", "replace")),
    ]
    return " ".join(f"{name}={value}" for name, value in fields).encode()


def client_type(conn: Connection) -> bytes:
    """CLIENT LIST / KILL TYPE: a subscribed client is ``pubsub`` (Redis's
    CLIENT_PUBSUB flag), every other one ``normal`` (no replicas yet)."""
    return b"pubsub" if conn.subscriptions else b"normal"


def verbatim(conn: Connection, text: bytes) -> Any:
    return Verbatim(text) if conn.client.resp3 else text


@local("client|id")
async def client_id(conn: Connection, argv: list[bytes]) -> Any:
    return conn.info.client_id


@local("client|info")
async def client_info(conn: Connection, argv: list[bytes]) -> Any:
    conn.info.last_command = "client|info"
    return verbatim(conn, client_line(conn, trio.current_time()) + b"\n")


@local("client|list")
async def client_list(conn: Connection, argv: list[bytes]) -> Any:
    conn.info.last_command = "client|list"
    args = Args(argv, 2)
    wanted_ids: set[int] | None = None
    while args:
        option = args.next_keyword()
        if option == b"TYPE" and args:
            kind = args.next().lower()
            if kind not in (b"normal", b"master", b"replica", b"slave", b"pubsub"):
                raise CommandError(errors.unknown_client_type(kind))
            # Redis's client types here: pubsub while subscribed, else normal.
            wanted_ids = {
                id_ for id_, other in conn.runtime.clients.items()
                if client_type(other) == kind and (wanted_ids is None or id_ in wanted_ids)
            }
        elif option == b"ID" and args:
            wanted_ids = set() if wanted_ids is None else wanted_ids
            for raw in args.rest():
                wanted_ids.add(parse_int(raw, errors.INVALID_CLIENT_ID_IN_LIST))
        else:
            raise CommandError(errors.SYNTAX)
    now = trio.current_time()
    lines = [
        client_line(other, now) + b"\n"
        for client_id_, other in sorted(conn.runtime.clients.items())
        if wanted_ids is None or client_id_ in wanted_ids
    ]
    return verbatim(conn, b"".join(lines))


@local("client|setname")
async def client_setname(conn: Connection, argv: list[bytes]) -> Any:
    validate_client_name(argv[2])
    conn.info.name = argv[2]
    return OK


@local("client|getname")
async def client_getname(conn: Connection, argv: list[bytes]) -> Any:
    return conn.info.name or None


@local("client|setinfo")
async def client_setinfo(conn: Connection, argv: list[bytes]) -> Any:
    attribute, value = argv[2].upper(), argv[3]
    if attribute not in (b"LIB-NAME", b"LIB-VER"):
        raise CommandError(errors.unrecognized_setinfo(argv[2]))
    if any(byte < 33 or byte > 126 for byte in value):
        raise CommandError(errors.setinfo_chars(attribute))
    if attribute == b"LIB-NAME":
        conn.info.lib_name = value
    else:
        conn.info.lib_ver = value
    return OK


def on_off(raw: bytes) -> bool:
    value = raw.upper()
    if value not in (b"ON", b"OFF"):
        raise CommandError(errors.SYNTAX)
    return value == b"ON"


@local("client|no-evict")
async def client_no_evict(conn: Connection, argv: list[bytes]) -> Any:
    conn.info.no_evict = on_off(argv[2])
    return OK


@local("client|no-touch")
async def client_no_touch(conn: Connection, argv: list[bytes]) -> Any:
    conn.info.no_touch = conn.client.no_touch = on_off(argv[2])
    return OK


@local("client|reply")
async def client_reply(conn: Connection, argv: list[bytes]) -> Any:
    from actors.connection import _NO_REPLY

    mode = argv[2].upper()
    if mode == b"ON":
        conn.reply_mode = "on"
        return OK
    if mode == b"OFF":
        conn.reply_mode = "off"
        return _NO_REPLY
    if mode == b"SKIP":
        if conn.reply_mode == "on":
            conn.reply_mode = "skip-next"
        return _NO_REPLY
    raise CommandError(errors.SYNTAX)


@local("client|pause")
async def client_pause(conn: Connection, argv: list[bytes]) -> Any:
    timeout_ms = parse_int(argv[2], errors.TIMEOUT_NOT_INTEGER)
    if timeout_ms < 0:
        raise CommandError(errors.TIMEOUT_NEGATIVE)
    writes_only = False
    if len(argv) > 4:
        raise CommandError(errors.subcommand_syntax(argv[1], argv[0]))
    if len(argv) == 4:
        mode = argv[3].upper()
        if mode not in (b"WRITE", b"ALL"):
            raise CommandError(errors.CLIENT_PAUSE_MODE)
        writes_only = mode == b"WRITE"
    conn.runtime.pause.pause(trio.current_time() + timeout_ms / 1000, writes_only)
    return OK


@local("client|unpause")
async def client_unpause(conn: Connection, argv: list[bytes]) -> Any:
    conn.runtime.pause.unpause()
    return OK


@local("client|kill")
async def client_kill(conn: Connection, argv: list[bytes]) -> Any:
    clients = conn.runtime.clients
    if len(argv) == 3:
        target = argv[2].decode("utf-8", "replace")
        for other in clients.values():
            if other.info.addr == target:
                kill(other, conn)
                return OK
        raise CommandError(errors.NO_SUCH_CLIENT)
    args = Args(argv, 2)
    filters: list[Callable[[Any], bool]] = []
    skip_me = True
    while args:
        option = args.next_keyword()
        if not args:
            raise CommandError(errors.SYNTAX)
        value = args.next()
        if option == b"ID":
            wanted = parse_int(value, errors.INVALID_CLIENT_ID)
            if wanted <= 0:
                raise CommandError(errors.INVALID_CLIENT_ID)
            filters.append(lambda other, wanted=wanted: other.info.client_id == wanted)
        elif option == b"ADDR":
            filters.append(lambda other, addr=value.decode(): other.info.addr == addr)
        elif option == b"LADDR":
            filters.append(lambda other, addr=value.decode(): other.info.laddr == addr)
        elif option == b"USER":
            # Only the default user exists until ACL lands.
            if value != b"default":
                raise CommandError(errors.no_such_user(value))
        elif option == b"TYPE":
            kind = value.lower()
            if kind not in (b"normal", b"master", b"replica", b"slave", b"pubsub"):
                raise CommandError(errors.unknown_client_type(kind))
            filters.append(lambda other, kind=kind: client_type(other) == kind)
        elif option == b"SKIPME":
            flag = value.lower()
            if flag not in (b"yes", b"no"):
                raise CommandError(errors.SYNTAX)
            skip_me = flag == b"yes"
        elif option == b"MAXAGE":
            # Redis 7.4's filter (7.0 answers a syntax error): kill clients
            # connected for at least this many seconds.
            max_age = parse_int(value, errors.SYNTAX)
            now = trio.current_time()
            filters.append(lambda other, max_age=max_age: now - other.info.created_at >= max_age)
        else:
            raise CommandError(errors.SYNTAX)
    killed = 0
    for other in list(clients.values()):
        if skip_me and other is conn:
            continue
        if all(check(other) for check in filters):
            kill(other, conn)
            killed += 1
    return killed


def kill(other: Connection, caller: Connection | None = None) -> None:
    """Close ``other``; the caller killing itself still gets its reply first,
    as in Redis (close after reply)."""
    other.closing = True
    other.info.killed = True
    if other is not caller and other.info.cancel_scope is not None:
        other.info.cancel_scope.cancel()


@local("client|help")
async def client_help(conn: Connection, argv: list[bytes]) -> Any:
    return [SimpleString(line.encode()) for line in CLIENT_HELP]


CLIENT_HELP = (
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "    * MAXAGE <maxage>",
    "      Kill connections older than the specified age.",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "NO-TOUCH (ON|OFF)",
    "    Will not touch LRU/LFU stats when this mode is on.",
    "HELP",
    "    Prints this help.",
)



@local("client|unblock")
async def client_unblock(conn: Connection, argv: list[bytes]) -> Any:
    """Answer a blocked client now, with its timeout reply or an UNBLOCKED error."""
    target_id = parse_int(argv[2])
    mode = argv[3].upper() if len(argv) > 3 else b"TIMEOUT"
    if len(argv) > 4 or mode not in (b"TIMEOUT", b"ERROR"):
        raise CommandError(errors.CLIENT_UNBLOCK_REASON)
    target = conn.runtime.clients.get(target_id)
    blocked = target.blocked if target is not None else None
    if blocked is None or not blocked.claim():
        return 0
    reply = blocked.timeout_reply if mode == b"TIMEOUT" else ErrorReply(errors.UNBLOCKED)
    blocked.deliver(reply)
    return 1


# -- pub/sub: the hub (actors/pubsub.py) holds the subscriptions ------------------
_PUBSUB_KINDS = {
    "subscribe": "channel", "psubscribe": "pattern", "ssubscribe": "shard",
    "unsubscribe": "channel", "punsubscribe": "pattern", "sunsubscribe": "shard",
}


@local("subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe")
async def subscribe(conn: Connection, argv: list[bytes]) -> Any:
    """The hub queues the confirmations itself (ordered with the messages);
    inside EXEC it returns them instead, for EXEC's array."""
    from actors.connection import _NO_REPLY

    name = argv[0].decode("utf-8", "replace").lower()
    message = Subscribe if name.endswith("subscribe") and not name.startswith(("un", "pun", "sun")) else Unsubscribe
    pushes = conn.enter_push_mode()
    request = message(_PUBSUB_KINDS[name], argv[1:], pushes, conn.replies_send, confirm_in_reply=conn.in_exec)
    conn.subscriptions, confirmations = await conn.ask_hub(request)
    if confirmations is None:
        return _NO_REPLY
    return confirmations[0] if len(confirmations) == 1 else confirmations


@local("publish", "spublish")
async def publish(conn: Connection, argv: list[bytes]) -> Any:
    """One (S)PUBLISH (inside EXEC); a read's run of them goes to the hub as
    one message (Connection.publish_many)."""
    shard = argv[0].lower() == b"spublish"
    (count,) = await conn.publish_many([(argv[1], argv[2], shard)])
    return count


@local("pubsub|channels", "pubsub|numsub", "pubsub|numpat", "pubsub|shardchannels", "pubsub|shardnumsub")
async def pubsub_query(conn: Connection, argv: list[bytes]) -> Any:
    subcommand = argv[1].decode("utf-8", "replace").lower()
    if subcommand in ("channels", "shardchannels") and len(argv) > 3:
        raise CommandError(errors.subcommand_syntax(argv[1], argv[0]))
    return await conn.ask_hub(PubsubQuery(subcommand, argv[2:], conn.replies_send))


@local("pubsub|help")
async def pubsub_help_(conn: Connection, argv: list[bytes]) -> Any:
    return pubsub_help()


# -- client-side caching and MONITOR (actors/tracking.py) ---------------------------
@local("client|tracking")
async def client_tracking(conn: Connection, argv: list[bytes]) -> Any:
    options = parse_tracking(argv, conn.client.tracking)
    if options is not None and options.redirect and options.redirect not in conn.runtime.clients:
        raise CommandError(errors.TRACKING_NO_REDIRECT_CLIENT)
    await conn.set_tracking(options)
    return OK


@local("client|caching")
async def client_caching(conn: Connection, argv: list[bytes]) -> Any:
    tracking = conn.client.tracking
    if tracking is None:
        raise CommandError(errors.CACHING_NEEDS_OPT_MODE)
    mode = argv[2].upper()
    if mode == b"YES":
        if not tracking.optin:
            raise CommandError(errors.CACHING_YES_NEEDS_OPTIN)
        tracking.caching = True
    elif mode == b"NO":
        if not tracking.optout:
            raise CommandError(errors.CACHING_NO_NEEDS_OPTOUT)
        tracking.caching = False
    else:
        raise CommandError(errors.SYNTAX)
    return OK


@local("client|getredir")
async def client_getredir(conn: Connection, argv: list[bytes]) -> Any:
    tracking = conn.client.tracking
    return -1 if tracking is None else tracking.redirect


@local("client|trackinginfo")
async def client_trackinginfo(conn: Connection, argv: list[bytes]) -> Any:
    tracking = conn.client.tracking
    if tracking is None:
        return {b"flags": RespSet([b"off"]), b"redirect": -1, b"prefixes": []}
    return {b"flags": RespSet(tracking.flags()), b"redirect": tracking.redirect, b"prefixes": list(tracking.prefixes)}


@local("monitor")
async def monitor(conn: Connection, argv: list[bytes]) -> Any:
    """Queue +OK ahead of the lines (the replies before it are already queued)."""
    from actors.connection import _NO_REPLY

    pushes = conn.enter_push_mode()
    pushes.send_nowait(b"+OK\r\n")
    if not conn.monitoring:
        conn.monitoring = True
        conn.runtime.monitors += 1
        hub = conn.runtime.hub
        assert hub is not None
        hub.send_nowait(MonitorOn(conn.info.client_id, pushes))
    return _NO_REPLY
