"""SERVER-scope commands, run one at a time by the supervisor: CONFIG, INFO,
SHUTDOWN, DEBUG.

INFO gathers each shard's counters by message (DESIGN §7), never by reading
another actor's state.
"""

from __future__ import annotations

import functools

import os
import platform
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import trio

from protocol import errors
from protocol.errors import CommandError
from protocol.resp.values import OK, ErrorReply, SimpleString, Verbatim

from actors.engine.digest import combine_dataset
from actors.config import REDIS_VERSION, SHARDIS_VERSION, PARAMS_BY_NAME, ConfigError
from actors.messages import DigestRequest, InspectRequest, ResetStatistics, ServerRequest, SetActiveExpire, StatisticsRequest
from actors.shard import ShardStatistics
from actors.engine.persistence.rdb_reader import RdbError
from actors.messages import Lease
from actors.snapshot import SnapshotFailed, clear, install, read_rdb_file

if TYPE_CHECKING:
    from actors.server import Server

ServerHandler = Callable[["Server", ServerRequest], Awaitable[Any]]
SERVER_HANDLERS: dict[str, ServerHandler] = {}


class ShutdownStarted:
    """The reply to a successful SHUTDOWN: the connection closes without a reply."""


SHUTDOWN_STARTED = ShutdownStarted()


def server_command(*names: str) -> Callable[[ServerHandler], ServerHandler]:
    def register(handler: ServerHandler) -> ServerHandler:
        async def guarded(server: Server, request: ServerRequest) -> Any:
            try:
                return await handler(server, request)
            except CommandError as error:
                return ErrorReply(error.message)

        for name in names:
            SERVER_HANDLERS[name] = guarded
        return handler

    return register


# -- CONFIG ---------------------------------------------------------------------
@server_command("config|get")
async def config_get(server: Server, request: ServerRequest) -> Any:
    return server.config.get_matching(request.argv[2:])


@server_command("config|set")
async def config_set(server: Server, request: ServerRequest) -> Any:
    argv = request.argv
    if len(argv) % 2:
        raise CommandError(errors.wrong_arity("config|set"))
    pairs = [(argv[position], argv[position + 1]) for position in range(2, len(argv), 2)]
    try:
        server.config.set_many(pairs)
    except ConfigError as error:
        raise CommandError(f"ERR {error}") from None
    return OK


@server_command("config|resetstat")
async def config_resetstat(server: Server, request: ServerRequest) -> Any:
    runtime = server.runtime
    runtime.command_counts.clear()
    runtime.error_counts.clear()
    stats = runtime.stats
    stats.total_connections_received = stats.rejected_connections = 0
    stats.total_net_input_bytes = stats.total_net_output_bytes = stats.total_error_replies = 0
    for shard in runtime.shards:
        await shard.inbox_send.send(ResetStatistics())
    return OK


@server_command("config|rewrite")
async def config_rewrite(server: Server, request: ServerRequest) -> Any:
    path = server.config.config_file
    if not path:
        raise CommandError(errors.NO_CONFIG_FILE)
    rewrite_config_file(path, server.config)
    return OK


def rewrite_config_file(path: str, config: Any) -> None:
    """Keep the file's lines and comments; replace each directive whose value
    differs from the default or was in the file; append the rest."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        lines = []
    written: set[str] = set()
    output = []
    for line in lines:
        words = line.split()
        name = words[0].lower() if words and not line.lstrip().startswith("#") else ""
        param = PARAMS_BY_NAME.get(name)
        if param is None:
            output.append(line)
            continue
        if param.name in written:
            continue
        written.add(param.name)
        output.append(_directive(param, config[param.name]))
    for param in PARAMS_BY_NAME.values():
        if param.name not in written and config[param.name] != param.default:
            written.add(param.name)
            output.append(_directive(param, config[param.name]))
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("\n".join(output) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _directive(param: Any, value: Any) -> str:
    rendered = param.render(value).decode("utf-8", "surrogateescape")
    if param.kind == "save" and not rendered:
        return 'save ""'
    if not rendered or " " in rendered:
        rendered = '"' + rendered.replace('"', '\\"') + '"'
    return f"{param.name} {rendered}"


@server_command("config|help")
async def config_help(server: Server, request: ServerRequest) -> Any:
    lines = (
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help.",
    )
    return [SimpleString(line.encode()) for line in lines]


# -- SHUTDOWN ------------------------------------------------------------------
@server_command("shutdown")
async def shutdown(server: Server, request: ServerRequest) -> Any:
    modes = {arg.upper() for arg in request.argv[1:]}
    allowed = {b"NOSAVE", b"SAVE", b"NOW", b"FORCE", b"ABORT"}
    if not modes <= allowed or (b"SAVE" in modes and b"NOSAVE" in modes):
        raise CommandError(errors.SYNTAX)
    if b"ABORT" in modes:
        if len(modes) > 1:
            raise CommandError(errors.SYNTAX)
        raise CommandError(errors.NO_SHUTDOWN_IN_PROGRESS)
    server.request_shutdown(" ".join(sorted(mode.decode() for mode in modes)))
    return SHUTDOWN_STARTED


# -- INFO -------------------------------------------------------------------------
# Redis 7.0's order; "all" adds commandstats and latencystats in their places.
ALL_SECTIONS = (
    "server", "clients", "memory", "persistence", "stats", "replication", "cpu",
    "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace",
)
DEFAULT_SECTIONS = tuple(name for name in ALL_SECTIONS if name not in ("commandstats", "latencystats"))


async def gather_statistics(server: Server) -> list[ShardStatistics]:
    send, receive = server.statistics_channel()
    found = []
    for shard in server.runtime.shards:
        await shard.inbox_send.send(StatisticsRequest(send))
        found.append(await receive.receive())
    return found


async def gather_hub_statistics(server: Server) -> Any:
    send, receive = server.statistics_channel()
    server.hub.inbox_send.send_nowait(StatisticsRequest(send))
    return await receive.receive()


@server_command("info")
async def info(server: Server, request: ServerRequest) -> Any:
    wanted = {arg.decode("utf-8", "replace").lower() for arg in request.argv[1:]}
    if not wanted:
        wanted = {"default"}
    chosen = set(wanted)
    if "default" in wanted:
        chosen.update(DEFAULT_SECTIONS)
    if "all" in wanted or "everything" in wanted:
        chosen.update(ALL_SECTIONS)
    sections = [name for name in ALL_SECTIONS if name in chosen]
    shard_stats = await gather_statistics(server)
    hub_stats = await gather_hub_statistics(server)
    builders = {
        **_SECTION_BUILDERS,
        "stats": functools.partial(_section_stats, hub=hub_stats),
        "clients": functools.partial(_section_clients, hub=hub_stats),
    }
    # Sections are separated by an empty line, as in Redis.
    text = "\r\n\r\n".join(
        _render_section(name, builders[name](server, shard_stats)) for name in sections
    )
    body = text.encode() + (b"\r\n" if text else b"")
    return Verbatim(body) if request.client.resp3 else body


def _render_section(name: str, fields: list[tuple[str, Any]]) -> str:
    title = "# " + ("CPU" if name == "cpu" else name.capitalize())
    return "\r\n".join([title] + [f"{key}:{value}" for key, value in fields])


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _section_server(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    uptime = int(trio.current_time() - server.runtime.started_at)
    return [
        ("redis_version", REDIS_VERSION),
        ("shardis_version", SHARDIS_VERSION),
        ("redis_git_sha1", "00000000"),
        ("redis_git_dirty", 0),
        ("redis_build_id", "0"),
        ("redis_mode", "standalone"),
        ("os", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("arch_bits", 64 if sys.maxsize > 2**32 else 32),
        ("multiplexing_api", "epoll"),
        ("python_version", platform.python_version()),
        ("process_id", os.getpid()),
        ("run_id", server.runtime.run_id),
        ("tcp_port", server.port),
        ("server_time_usec", time.time_ns() // 1000),
        ("uptime_in_seconds", uptime),
        ("uptime_in_days", uptime // 86400),
        ("hz", server.config["hz"]),
        ("configured_hz", server.config["hz"]),
        ("shards", len(server.runtime.shards)),
        ("executable", sys.argv[0] if sys.argv else ""),
        ("config_file", server.config.config_file or ""),
    ]


def _section_clients(server: Server, stats: list[ShardStatistics], hub: Any = None) -> list[tuple[str, Any]]:
    return [
        ("connected_clients", len(server.runtime.clients)),
        ("cluster_connections", 0),
        ("maxclients", server.config["maxclients"]),
        ("blocked_clients", server.runtime.blocked_count),
        ("tracking_clients", hub.tracking_clients if hub else 0),
        ("clients_in_timeout_table", 0),
    ]


def _section_memory(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    rss = _rss_bytes()
    return [
        ("used_memory", rss),
        ("used_memory_human", _human_bytes(rss)),
        ("used_memory_rss", rss),
        ("used_memory_rss_human", _human_bytes(rss)),
        ("used_memory_peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024),
        ("maxmemory", server.config["maxmemory"]),
        ("maxmemory_human", _human_bytes(server.config["maxmemory"])),
        ("maxmemory_policy", server.config["maxmemory-policy"]),
        ("mem_allocator", "pymalloc"),
    ]


def _section_persistence(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    saved = server.snapshotter.statistics()
    aof = server.aof.statistics()
    fields: list[tuple[str, Any]] = [
        ("loading", int(server.runtime.loading)),
        ("async_loading", 0),
        ("rdb_changes_since_last_save", saved.changes_since_last_save),
        ("rdb_bgsave_in_progress", int(saved.in_progress)),
        ("rdb_last_save_time", saved.last_save_time),
        ("rdb_last_bgsave_status", saved.last_status),
        ("rdb_saves", saved.saves),
        ("aof_enabled", int(aof.enabled)),
        ("aof_rewrite_in_progress", int(aof.rewrite_in_progress)),
        ("aof_rewrite_scheduled", int(aof.rewrite_scheduled)),
        ("aof_last_bgrewrite_status", aof.last_rewrite_status),
        ("aof_last_write_status", aof.last_write_status),
    ]
    if aof.enabled:
        fields += [
            ("aof_current_size", aof.current_size),
            ("aof_base_size", aof.base_size),
            ("aof_pending_bio_fsync", int(aof.appended > aof.synced)),
        ]
    return fields


def _section_stats(server: Server, stats: list[ShardStatistics], hub: Any = None) -> list[tuple[str, Any]]:
    runtime = server.runtime
    total_commands = sum(entry[0] for entry in runtime.command_counts.values())
    return [
        ("total_connections_received", runtime.stats.total_connections_received),
        ("total_commands_processed", total_commands),
        ("instantaneous_ops_per_sec", 0),
        ("total_net_input_bytes", runtime.stats.total_net_input_bytes),
        ("total_net_output_bytes", runtime.stats.total_net_output_bytes),
        ("rejected_connections", runtime.stats.rejected_connections),
        ("expired_keys", sum(s.expired_keys for s in stats)),
        ("evicted_keys", sum(s.evicted_keys for s in stats)),
        ("keyspace_hits", sum(s.keyspace_hits for s in stats)),
        ("keyspace_misses", sum(s.keyspace_misses for s in stats)),
        ("pubsub_channels", hub.channels if hub else 0),
        ("pubsub_patterns", hub.patterns if hub else 0),
        ("pubsubshard_channels", hub.shard_channels if hub else 0),
        ("tracking_total_keys", sum(s.tracking_keys for s in stats)),
        ("total_error_replies", runtime.stats.total_error_replies),
        ("client_output_buffer_limit_disconnections", runtime.stats.client_output_buffer_limit_disconnections),
        ("shard_batches", sum(s.batches for s in stats)),
        ("shard_leases", sum(s.leases for s in stats)),
    ]


def _section_replication(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    return [
        ("role", "master"),
        ("connected_slaves", 0),
        ("master_replid", server.runtime.run_id),
        ("master_repl_offset", 0),
    ]


def _section_cpu(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return [
        ("used_cpu_sys", f"{usage.ru_stime:.6f}"),
        ("used_cpu_user", f"{usage.ru_utime:.6f}"),
    ]


def _section_modules(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    return []


def _section_errorstats(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    return [
        (f"errorstat_{prefix}", f"count={count}")
        for prefix, count in sorted(server.runtime.error_counts.items())
    ]


def _section_cluster(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    return [("cluster_enabled", 0)]


def _section_commandstats(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    return [
        (f"cmdstat_{name}", f"calls={calls},usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls={failed}")
        for name, (calls, failed) in sorted(server.runtime.command_counts.items())
    ]


def _section_latencystats(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    return []


def _section_keyspace(server: Server, stats: list[ShardStatistics]) -> list[tuple[str, Any]]:
    fields = []
    for index in range(server.config["databases"]):
        keys = sum(s.keys[index] for s in stats)
        expires = sum(s.expires[index] for s in stats)
        if keys:
            fields.append((f"db{index}", f"keys={keys},expires={expires},avg_ttl=0"))
    return fields


_SECTION_BUILDERS = {
    "server": _section_server,
    "clients": _section_clients,
    "memory": _section_memory,
    "persistence": _section_persistence,
    "stats": _section_stats,
    "replication": _section_replication,
    "cpu": _section_cpu,
    "modules": _section_modules,
    "errorstats": _section_errorstats,
    "cluster": _section_cluster,
    "commandstats": _section_commandstats,
    "latencystats": _section_latencystats,
    "keyspace": _section_keyspace,
}


def _human_bytes(value: int) -> str:
    for unit in ("B", "K", "M", "G"):
        if value < 1024 or unit == "G":
            return f"{value:.2f}{unit}" if unit != "B" else f"{value}B"
        value /= 1024  # type: ignore[assignment]
    return f"{value}"


# -- DEBUG --------------------------------------------------------------------------
@server_command("debug")
async def debug(server: Server, request: ServerRequest) -> Any:
    if server.config["enable-debug-command"] == "no":
        raise CommandError(errors.DEBUG_DISABLED)
    argv = request.argv
    sub = argv[1].lower()
    if sub == b"sleep" and len(argv) == 3:
        await trio.sleep(float(argv[2]))
        return OK
    if sub == b"set-active-expire" and len(argv) == 3:
        for shard in server.runtime.shards:
            await shard.inbox_send.send(SetActiveExpire(argv[2] != b"0"))
        return OK
    if sub == b"reload" and len(argv) == 2:
        await debug_reload(server)
        return OK
    if sub == b"error" and len(argv) == 3:
        return ErrorReply(argv[2].decode("utf-8", "surrogateescape"))
    if sub == b"object" and len(argv) == 3:
        shard = server.runtime.shards[server.runtime.router.shard_of_key(argv[2])]
        send, receive = server.statistics_channel()
        await shard.inbox_send.send(InspectRequest(send, request.db, argv[2]))
        line = await receive.receive()
        if line is None:
            raise CommandError(errors.NO_SUCH_KEY)
        return SimpleString(line)
    if sub == b"digest" and len(argv) == 2:
        per_shard = await ask_shards(server, lambda send: DigestRequest(send))
        return SimpleString(combine_dataset(per_shard).hex().encode())
    if sub == b"digest-value" and len(argv) >= 2:
        return await digest_values(server, request.db, argv[2:])
    raise CommandError(errors.debug_unknown_subcommand(argv[1]))


async def ask_shards(server: Server, make: Callable[[Any], Any]) -> list[Any]:
    """Send every shard a request built by ``make(reply_to)``; their answers in shard order."""
    send, receive = server.statistics_channel()
    answers = []
    for shard in server.runtime.shards:
        await shard.inbox_send.send(make(send))
        answers.append(await receive.receive())
    return answers


async def digest_values(server: Server, db: int, keys: list[bytes]) -> list[Any]:
    """DEBUG DIGEST-VALUE: each key's value digest, asked of the shard owning it."""
    send, receive = server.statistics_channel()
    router = server.runtime.router
    replies = []
    for key in keys:
        shard = server.runtime.shards[router.shard_of_key(key)]
        await shard.inbox_send.send(DigestRequest(send, db, (key,)))
        (digest,) = await receive.receive()
        replies.append(SimpleString(digest.hex().encode()))
    return replies


# -- persistence: SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF, DEBUG RELOAD ------------------
@server_command("save")
async def save(server: Server, request: ServerRequest) -> Any:
    if server.snapshotter.in_progress:
        raise CommandError(errors.BGSAVE_IN_PROGRESS)
    try:
        await server.snapshotter.save()
    except SnapshotFailed:
        raise CommandError(errors.SAVE_FAILED) from None
    return OK


@server_command("bgsave")
async def bgsave(server: Server, request: ServerRequest) -> Any:
    argv = request.argv
    if len(argv) > 2 or (len(argv) == 2 and argv[1].upper() != b"SCHEDULE"):
        raise CommandError(errors.SYNTAX)
    if server.snapshotter.in_progress:
        raise CommandError(errors.BGSAVE_IN_PROGRESS)
    if server.aof.rewriting:
        if len(argv) == 1:
            raise CommandError(errors.BGSAVE_AOF_BUSY)
        server.snapshotter.scheduled = True  # started once the rewrite is over
        return SimpleString(b"Background saving scheduled")
    server.snapshotter.start_background()
    return SimpleString(b"Background saving started")


@server_command("lastsave")
async def lastsave(server: Server, request: ServerRequest) -> Any:
    return server.snapshotter.last_save_time


@server_command("bgrewriteaof")
async def bgrewriteaof(server: Server, request: ServerRequest) -> Any:
    if server.aof.rewriting:
        raise CommandError(errors.BGSAVE_AOF_REWRITE)
    if server.snapshotter.in_progress:
        server.aof.rewrite_scheduled = True  # started once the save is over
        return SimpleString(b"Background append only file rewriting scheduled")
    server.aof.start_rewrite()
    return SimpleString(b"Background append only file rewriting started")


async def debug_reload(server: Server) -> None:
    """DEBUG RELOAD: save, empty every database, load the file back (all
    shards leased meanwhile, so no client sees the empty state)."""
    snapshotter = server.snapshotter
    try:
        await snapshotter.save()
        contents = await trio.to_thread.run_sync(read_rdb_file, snapshotter.rdb_path())
    except (SnapshotFailed, RdbError) as error:
        raise CommandError(f"ERR Error trying to load the RDB dump: {error}") from None
    runtime = server.runtime
    send, receive = server.statistics_channel()
    leases = []
    try:
        for shard in runtime.shards:
            lease = Lease(send, trio.Event())
            leases.append(lease)
            await shard.inbox_send.send(lease)
            await receive.receive()
        clear(runtime.shards)
        if contents is not None:
            install(runtime.shards, runtime.router, contents, server.clock.now_ms())
    finally:
        for lease in leases:
            lease.released.set()
