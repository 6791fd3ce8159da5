"""Server commands: keyspace-wide fan-out, configuration, introspection.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine / actors; see :mod:`protocol.commands.define` for the
helpers and :mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group
from .spec import Scope

command = for_group("server", Scope.KEYS)

DBSIZE = command(
    "dbsize", 1, "readonly fast", "@keyspace @read @fast",
    tips="request_policy:all_shards response_policy:agg_sum",
    since="1.0.0",
    summary="Return the number of keys in the selected database",
    complexity="O(1)",
    scope=Scope.ALL_SHARDS,
)

FLUSHDB = command(
    "flushdb", -1, "write", "@keyspace @write @slow @dangerous",
    syntax="[async: ASYNC@4.0.0 | SYNC@6.2.0]",
    tips="request_policy:all_shards response_policy:all_succeeded",
    since="1.0.0",
    summary="Remove all keys from the current database",
    complexity="O(N) where N is the number of keys in the selected database",
    history=[("4.0.0", "Added the `ASYNC` flushing mode modifier."), ("6.2.0", "Added the `SYNC` flushing mode modifier.")],
    scope=Scope.ALL_SHARDS,
)

FLUSHALL = command(
    "flushall", -1, "write", "@keyspace @write @slow @dangerous",
    syntax="[async: ASYNC@4.0.0 | SYNC@6.2.0]",
    tips="request_policy:all_shards response_policy:all_succeeded",
    since="1.0.0",
    summary="Remove all keys from all databases",
    complexity="O(N) where N is the total number of keys in all databases",
    history=[("4.0.0", "Added the `ASYNC` flushing mode modifier."), ("6.2.0", "Added the `SYNC` flushing mode modifier.")],
    scope=Scope.ALL_SHARDS,
)

SWAPDB = command(
    "swapdb", 3, "write fast", "@keyspace @write @fast @dangerous",
    syntax="index1:integer index2:integer",
    since="4.0.0",
    summary="Swaps two Redis databases",
    complexity="O(N) where N is the count of clients watching or blocking on keys from both databases.",
    scope=Scope.ALL_SHARDS,
)

TIME = command(
    "time", 1, "loading stale fast", "@fast",
    tips="nondeterministic_output",
    since="2.6.0",
    summary="Return the current server time",
    complexity="O(1)",
    scope=Scope.CONNECTION,
)

CONFIG_GET = command(
    "config|get", -3, "admin noscript loading stale", "@admin @slow @dangerous",
    syntax="(parameter: parameter) ...",
    since="2.0.0",
    summary="Get the values of configuration parameters",
    complexity="O(N) when N is the number of configuration parameters provided",
    history=[("7.0.0", "Added the ability to pass multiple pattern parameters in one call")],
    scope=Scope.SERVER,
)

CONFIG_SET = command(
    "config|set", -4, "admin noscript loading stale", "@admin @slow @dangerous",
    syntax="(parameter value) ...",
    tips="request_policy:all_nodes response_policy:all_succeeded",
    since="2.0.0",
    summary="Set configuration parameters to the given values",
    complexity="O(N) when N is the number of configuration parameters provided",
    history=[("7.0.0", "Added the ability to set multiple parameters in one call.")],
    scope=Scope.SERVER,
)

CONFIG_RESETSTAT = command(
    "config|resetstat", 2, "admin noscript loading stale", "@admin @slow @dangerous",
    since="2.0.0",
    summary="Reset the stats returned by INFO",
    complexity="O(1)",
    scope=Scope.SERVER,
)

CONFIG_REWRITE = command(
    "config|rewrite", 2, "admin noscript loading stale", "@admin @slow @dangerous",
    since="2.8.0",
    summary="Rewrite the configuration file with the in memory configuration",
    complexity="O(1)",
    scope=Scope.SERVER,
)

CONFIG_HELP = command(
    "config|help", 2, "loading stale", "@slow",
    since="5.0.0",
    summary="Show helpful text about the different subcommands",
    complexity="O(1)",
    scope=Scope.SERVER,
)

CONFIG = command(
    "config", -2, "", "@slow",
    since="2.0.0",
    summary="A container for server configuration commands",
    complexity="Depends on subcommand.",
    scope=Scope.SERVER,
    subcommands=[CONFIG_GET, CONFIG_SET, CONFIG_RESETSTAT, CONFIG_REWRITE, CONFIG_HELP],
)

INFO = command(
    "info", -1, "loading stale", "@slow @dangerous",
    syntax="[section ...]",
    tips="nondeterministic_output request_policy:all_shards response_policy:special",
    since="1.0.0",
    summary="Get information and statistics about the server",
    complexity="O(1)",
    history=[("7.0.0", "Added support for taking multiple section arguments.")],
    scope=Scope.SERVER,
)

DEBUG = command(
    "debug", -2, "admin noscript loading stale", "@admin @slow @dangerous",
    since="1.0.0",
    summary="A container for debugging commands",
    complexity="Depends on subcommand.",
    doc_flags="syscmd",
    scope=Scope.SERVER,
)

SHUTDOWN = command(
    "shutdown", -1, "admin noscript loading stale no_multi allow_busy", "@admin @slow @dangerous",
    syntax="[NOSAVE | SAVE] [NOW@7.0.0] [FORCE@7.0.0] [ABORT@7.0.0]",
    since="1.0.0",
    summary="Synchronously save the dataset to disk and then shut down the server",
    complexity="O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
    history=[("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.")],
    scope=Scope.SERVER,
)

COMMAND_COUNT = command(
    "command|count", 2, "loading stale", "@slow @connection",
    since="2.8.13",
    summary="Get total number of Redis commands",
    complexity="O(1)",
    scope=Scope.CONNECTION,
)

COMMAND_LIST = command(
    "command|list", -2, "loading stale", "@slow @connection",
    syntax="[FILTERBY (filterby: MODULE module-name | ACLCAT category | PATTERN pattern:pattern)]",
    tips="nondeterministic_output_order",
    since="7.0.0",
    summary="Get an array of Redis command names",
    complexity="O(N) where N is the total number of Redis commands",
    scope=Scope.CONNECTION,
)

COMMAND_INFO = command(
    "command|info", -2, "loading stale", "@slow @connection",
    syntax="[command-name ...]",
    tips="nondeterministic_output_order",
    since="2.8.13",
    summary="Get array of specific Redis command details, or all when no argument is given.",
    complexity="O(N) where N is the number of commands to look up",
    history=[("7.0.0", "Allowed to be called with no argument to get info on all commands.")],
    scope=Scope.CONNECTION,
)

COMMAND_DOCS = command(
    "command|docs", -2, "loading stale", "@slow @connection",
    syntax="[command-name ...]",
    tips="nondeterministic_output_order",
    since="7.0.0",
    summary="Get array of specific Redis command documentation",
    complexity="O(N) where N is the number of commands to look up",
    scope=Scope.CONNECTION,
)

COMMAND_GETKEYS = command(
    "command|getkeys", -4, "loading stale", "@slow @connection",
    since="2.8.13",
    summary="Extract keys given a full Redis command",
    complexity="O(N) where N is the number of arguments to the command",
    scope=Scope.CONNECTION,
)

COMMAND_GETKEYSANDFLAGS = command(
    "command|getkeysandflags", -4, "loading stale", "@slow @connection",
    since="7.0.0",
    summary="Extract keys and access flags given a full Redis command",
    complexity="O(N) where N is the number of arguments to the command",
    scope=Scope.CONNECTION,
)

COMMAND_HELP = command(
    "command|help", 2, "loading stale", "@slow @connection",
    since="5.0.0",
    summary="Show helpful text about the different subcommands",
    complexity="O(1)",
    scope=Scope.CONNECTION,
)

COMMAND = command(
    "command", -1, "loading stale", "@slow @connection",
    tips="nondeterministic_output_order",
    since="2.8.13",
    summary="Get array of Redis command details",
    complexity="O(N) where N is the total number of Redis commands",
    scope=Scope.CONNECTION,
    subcommands=[COMMAND_COUNT, COMMAND_LIST, COMMAND_INFO, COMMAND_DOCS, COMMAND_GETKEYS, COMMAND_GETKEYSANDFLAGS, COMMAND_HELP],
)


SAVE = command(
    "save", 1, "admin noscript no_async_loading no_multi", "@admin @slow @dangerous",
    since="1.0.0",
    summary="Synchronously save the dataset to disk",
    complexity="O(N) where N is the total number of keys in all databases",
    scope=Scope.SERVER,
)

BGSAVE = command(
    "bgsave", -1, "admin noscript no_async_loading", "@admin @slow @dangerous",
    syntax="[SCHEDULE@3.2.2]",
    since="1.0.0",
    summary="Asynchronously save the dataset to disk",
    complexity="O(1)",
    history=[("3.2.2", "Added the `SCHEDULE` option.")],
    scope=Scope.SERVER,
)

LASTSAVE = command(
    "lastsave", 1, "loading stale fast", "@admin @fast @dangerous",
    tips="nondeterministic_output",
    since="1.0.0",
    summary="Get the UNIX time stamp of the last successful save to disk",
    complexity="O(1)",
    scope=Scope.SERVER,
)

BGREWRITEAOF = command(
    "bgrewriteaof", 1, "admin noscript no_async_loading", "@admin @slow @dangerous",
    since="1.0.0",
    summary="Asynchronously rewrite the append-only file",
    complexity="O(1)",
    scope=Scope.SERVER,
)


SPECS = (
    DBSIZE,
    FLUSHDB,
    FLUSHALL,
    SWAPDB,
    TIME,
    CONFIG,
    INFO,
    DEBUG,
    SHUTDOWN,
    COMMAND,
    SAVE,
    BGSAVE,
    LASTSAVE,
    BGREWRITEAOF,
)
