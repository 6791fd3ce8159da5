"""Connection commands: they run in the connection actor (Scope.CONNECTION).

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine / actors; see :mod:`protocol.commands.define` for the
helpers and :mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group
from .spec import Scope

command = for_group("connection", Scope.CONNECTION)

PING = command(
    "ping", -1, "fast", "@fast @connection",
    syntax="[message]",
    tips="request_policy:all_shards response_policy:all_succeeded",
    since="1.0.0",
    summary="Ping the server",
    complexity="O(1)",
)

ECHO = command(
    "echo", 2, "loading stale fast", "@fast @connection",
    syntax="message",
    since="1.0.0",
    summary="Echo the given string",
    complexity="O(1)",
)

QUIT = command(
    "quit", -1, "noscript loading stale fast no_auth allow_busy", "@fast @connection",
    since="1.0.0",
    summary="Close the connection",
    complexity="O(1)",
)

RESET = command(
    "reset", 1, "noscript loading stale fast no_auth allow_busy", "@fast @connection",
    since="6.2.0",
    summary="Reset the connection",
    complexity="O(1)",
)

HELLO = command(
    "hello", -1, "noscript loading stale fast no_auth allow_busy", "@fast @connection",
    syntax="[arguments: protover:integer [AUTH (username password)] [SETNAME clientname]]",
    since="6.0.0",
    summary="Handshake with Redis",
    complexity="O(1)",
    history=[("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context.")],
)

AUTH = command(
    "auth", -2, "noscript loading stale fast no_auth allow_busy", "@fast @connection",
    syntax="[username@6.0.0] password",
    since="1.0.0",
    summary="Authenticate to the server",
    complexity="O(N) where N is the number of passwords defined for the user",
    history=[("6.0.0", "Added ACL style (username and password).")],
)

SELECT = command(
    "select", 2, "loading stale fast", "@fast @connection",
    syntax="index:integer",
    since="1.0.0",
    summary="Change the selected database for the current connection",
    complexity="O(1)",
)

CLIENT_ID = command(
    "client|id", 2, "noscript loading stale", "@slow @connection",
    since="5.0.0",
    summary="Returns the client ID for the current connection",
    complexity="O(1)",
)

CLIENT_INFO = command(
    "client|info", 2, "noscript loading stale", "@slow @connection",
    tips="nondeterministic_output",
    since="6.2.0",
    summary="Returns information about the current client connection.",
    complexity="O(1)",
)

CLIENT_LIST = command(
    "client|list", -2, "admin noscript loading stale", "@admin @slow @dangerous @connection",
    syntax="[TYPE (normal_master_replica_pubsub@5.0.0: NORMAL | MASTER | REPLICA | PUBSUB)] [ID (id@6.2.0: client-id:integer ...)]",
    tips="nondeterministic_output",
    since="2.4.0",
    summary="Get the list of client connections",
    complexity="O(N) where N is the number of client connections",
    history=[("2.8.12", "Added unique client `id` field."), ("5.0.0", "Added optional `TYPE` filter."), ("6.0.0", "Added `user` field."), ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."), ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."), ("7.0.3", "Added `ssub` field.")],
)

CLIENT_KILL = command(
    "client|kill", -3, "admin noscript loading stale", "@admin @slow @dangerous @connection",
    syntax="(filter: <ip:port>!2.8.12 | (new-format: [ID client-id:integer@2.8.12] | [TYPE (normal_master_slave_pubsub@2.8.12: NORMAL | MASTER@3.2.0 | SLAVE | REPLICA@5.0.0 | PUBSUB)] | [USER username] | [ADDR <ip:port>] | [LADDR <ip:port>@6.2.0] | [SKIPME <yes/no>]) ...)",
    since="2.4.0",
    summary="Kill the connection of a client",
    complexity="O(N) where N is the number of client connections",
    history=[("2.8.12", "Added new filter format."), ("2.8.12", "`ID` option."), ("3.2.0", "Added `master` type in for `TYPE` option."), ("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."), ("6.2.0", "`LADDR` option.")],
)

CLIENT_SETNAME = command(
    "client|setname", 3, "noscript loading stale", "@slow @connection",
    syntax="connection-name",
    since="2.6.9",
    summary="Set the current connection name",
    complexity="O(1)",
)

CLIENT_GETNAME = command(
    "client|getname", 2, "noscript loading stale", "@slow @connection",
    since="2.6.9",
    summary="Get the current connection name",
    complexity="O(1)",
)

CLIENT_NO_EVICT = command(
    "client|no-evict", 3, "admin noscript loading stale", "@admin @slow @dangerous @connection",
    syntax="(enabled: ON | OFF)",
    since="7.0.0",
    summary="Set client eviction mode for the current connection",
    complexity="O(1)",
)

CLIENT_REPLY = command(
    "client|reply", 3, "noscript loading stale", "@slow @connection",
    syntax="(ON | OFF | SKIP)",
    since="3.2.0",
    summary="Instruct the server whether to reply to commands",
    complexity="O(1)",
)

CLIENT_PAUSE = command(
    "client|pause", -3, "admin noscript loading stale", "@admin @slow @dangerous @connection",
    syntax="timeout:integer [mode@6.2.0: WRITE | ALL]",
    since="2.9.50",
    summary="Stop processing commands from clients for some time",
    complexity="O(1)",
    history=[("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.")],
)

CLIENT_UNPAUSE = command(
    "client|unpause", 2, "admin noscript loading stale", "@admin @slow @dangerous @connection",
    since="6.2.0",
    summary="Resume processing of clients that were paused",
    complexity="O(N) Where N is the number of paused clients",
)

CLIENT_HELP = command(
    "client|help", 2, "loading stale", "@slow @connection",
    since="5.0.0",
    summary="Show helpful text about the different subcommands",
    complexity="O(1)",
)

CLIENT_SETINFO = command(
    "client|setinfo", 4, "noscript loading stale", "@slow @connection",
    syntax="(attr: LIB-NAME libname | LIB-VER libver)",
    tips="request_policy:all_nodes response_policy:all_succeeded",
    since="7.2.0",
    summary="Set client or connection specific info",
    complexity="O(1)",
)

CLIENT_NO_TOUCH = command(
    "client|no-touch", 3, "noscript loading stale", "@slow @connection",
    syntax="(enabled: ON | OFF)",
    since="7.2.0",
    summary="Controls whether commands sent by the client will alter the LRU/LFU of the keys they access.",
    complexity="O(1)",
)


CLIENT_UNBLOCK = command(
    'client|unblock', -3, 'admin noscript loading stale', '@admin @slow @dangerous @connection',
    syntax='client-id:integer [TIMEOUT | ERROR]',
    since='5.0.0',
    summary='Unblock a client blocked in a blocking command from a different connection',
    complexity='O(log N) where N is the number of client connections',
)

CLIENT_TRACKING = command(
    'client|tracking', -3, 'noscript loading stale', '@slow @connection',
    syntax='(status: ON | OFF) [REDIRECT client-id:integer] [PREFIX prefix]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP]',
    since='6.0.0',
    summary='Enable or disable server assisted client side caching support',
    complexity='O(1). Some options may introduce additional complexity.',
)

CLIENT_CACHING = command(
    'client|caching', 3, 'noscript loading stale', '@slow @connection',
    syntax='(mode: YES | NO)',
    since='6.0.0',
    summary='Instruct the server about tracking or not keys in the next request',
    complexity='O(1)',
)

CLIENT_GETREDIR = command(
    'client|getredir', 2, 'noscript loading stale', '@slow @connection',
    since='6.0.0',
    summary='Get tracking notifications redirection client ID if any',
    complexity='O(1)',
)

CLIENT_TRACKINGINFO = command(
    'client|trackinginfo', 2, 'noscript loading stale', '@slow @connection',
    since='6.2.0',
    summary='Return information about server assisted client side caching for the current connection',
    complexity='O(1)',
)

# MONITOR belongs to Redis's "server" group but runs in the connection.
MONITOR = command(
    'monitor', 1, 'admin noscript loading stale', '@admin @slow @dangerous',
    group='server',
    since='1.0.0',
    summary='Listen for all requests received by the server in real time',
)

CLIENT = command(
    "client", -2, "", "@slow",
    since="2.4.0",
    summary="A container for client connection commands",
    complexity="Depends on subcommand.",
    subcommands=[CLIENT_ID, CLIENT_SETINFO, CLIENT_NO_TOUCH, CLIENT_INFO, CLIENT_LIST, CLIENT_KILL, CLIENT_SETNAME, CLIENT_GETNAME, CLIENT_NO_EVICT, CLIENT_REPLY, CLIENT_PAUSE, CLIENT_UNPAUSE, CLIENT_HELP, CLIENT_UNBLOCK, CLIENT_TRACKING, CLIENT_CACHING, CLIENT_GETREDIR, CLIENT_TRACKINGINFO],
)


SPECS = (
    PING,
    ECHO,
    QUIT,
    RESET,
    HELLO,
    AUTH,
    SELECT,
    CLIENT,
    MONITOR,
)
