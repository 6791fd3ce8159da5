"""Stream commands.

Specs only (DESIGN §3): data matches Redis 7.0's command table. The handlers
live in the engine; see :mod:`protocol.commands.define` for the helpers and
:mod:`protocol.commands.syntax` for the ``syntax`` strings.
"""

from __future__ import annotations

from .define import for_group, ks
from .spec import Scope

command = for_group("stream", Scope.KEYS)

XACK = command(
    "xack", -4, "write fast", "@write @stream @fast",
    keys=[ks("RW update", 1)],
    syntax="key group id ...",
    since="5.0.0",
    summary="Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
    complexity="O(1) for each message ID processed.",
)

XADD = command(
    "xadd", -5, "write denyoom fast", "@write @stream @fast",
    keys=[ks("RW update", 1, notes="UPDATE instead of INSERT because of the optional trimming feature")],
    syntax='key [NOMKSTREAM@6.2.0] [trim: (strategy: MAXLEN | MINID@6.2.0) [operator: "="=equal | "~"=approximately] threshold [LIMIT count:integer@6.2.0]] (id_or_auto: "*"=auto_id | id) (field value) ...',
    tips="nondeterministic_output",
    since="5.0.0",
    summary="Appends a new entry to a stream",
    complexity="O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
    history=[("6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."), ("7.0.0", "Added support for the `<ms>-*` explicit ID form.")],
)

XAUTOCLAIM = command(
    "xautoclaim", -6, "write fast", "@write @stream @fast",
    keys=[ks("RW delete", 1)],
    syntax="key group consumer min-idle-time start [COUNT count:integer] [JUSTID]",
    tips="nondeterministic_output",
    since="6.2.0",
    summary="Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.",
    complexity="O(1) if COUNT is small.",
    history=[("7.0.0", "Added an element to the reply array, containing deleted entries the command cleared from the PEL")],
)

XCLAIM = command(
    "xclaim", -6, "write fast", "@write @stream @fast",
    keys=[ks("RW update", 1)],
    syntax="key group consumer min-idle-time id ... [IDLE ms:integer] [TIME unix-time-milliseconds:unix-time] [RETRYCOUNT count:integer] [FORCE] [JUSTID] [LASTID id]",
    tips="nondeterministic_output",
    since="5.0.0",
    summary="Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.",
    complexity="O(log N) with N being the number of messages in the PEL of the consumer group.",
)

XDEL = command(
    "xdel", -3, "write fast", "@write @stream @fast",
    keys=[ks("RW delete", 1)],
    syntax="key id ...",
    since="5.0.0",
    summary="Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.",
    complexity="O(1) for each single item to delete in the stream, regardless of the stream size.",
)

XGROUP_CREATE = command(
    "xgroup|create", -5, "write denyoom", "@write @stream @slow",
    keys=[ks("RW insert", 2)],
    syntax='key groupname (id: id | "$"=new_id) [MKSTREAM] [ENTRIESREAD entries_read:integer]',
    since="5.0.0",
    summary="Create a consumer group.",
    complexity="O(1)",
    history=[("7.0.0", "Added the `entries_read` named argument.")],
)

XGROUP_CREATECONSUMER = command(
    "xgroup|createconsumer", 5, "write denyoom", "@write @stream @slow",
    keys=[ks("RW insert", 2)],
    syntax="key groupname consumername",
    since="6.2.0",
    summary="Create a consumer in a consumer group.",
    complexity="O(1)",
)

XGROUP_DELCONSUMER = command(
    "xgroup|delconsumer", 5, "write", "@write @stream @slow",
    keys=[ks("RW delete", 2)],
    syntax="key groupname consumername",
    since="5.0.0",
    summary="Delete a consumer from a consumer group.",
    complexity="O(1)",
)

XGROUP_DESTROY = command(
    "xgroup|destroy", 4, "write", "@write @stream @slow",
    keys=[ks("RW delete", 2)],
    syntax="key groupname",
    since="5.0.0",
    summary="Destroy a consumer group.",
    complexity="O(N) where N is the number of entries in the group's pending entries list (PEL).",
)

XGROUP_HELP = command(
    "xgroup|help", 2, "loading stale", "@stream @slow",
    since="5.0.0",
    summary="Show helpful text about the different subcommands",
    complexity="O(1)",
)

XGROUP_SETID = command(
    "xgroup|setid", -5, "write", "@write @stream @slow",
    keys=[ks("RW update", 2)],
    syntax='key groupname (id: id | "$"=new_id) [ENTRIESREAD entries_read:integer]',
    since="5.0.0",
    summary="Set a consumer group to an arbitrary last delivered ID value.",
    complexity="O(1)",
    history=[("7.0.0", "Added the optional `entries_read` argument.")],
)

XGROUP = command(
    "xgroup", -2, "", "@slow",
    since="5.0.0",
    summary="A container for consumer groups commands",
    complexity="Depends on subcommand.",
    subcommands=[XGROUP_CREATE, XGROUP_CREATECONSUMER, XGROUP_DELCONSUMER, XGROUP_DESTROY, XGROUP_HELP, XGROUP_SETID],
)

XINFO_CONSUMERS = command(
    "xinfo|consumers", 4, "readonly", "@read @stream @slow",
    keys=[ks("RO access", 2)],
    syntax="key groupname",
    tips="nondeterministic_output",
    since="5.0.0",
    summary="List the consumers in a consumer group",
    complexity="O(1)",
)

XINFO_GROUPS = command(
    "xinfo|groups", 3, "readonly", "@read @stream @slow",
    keys=[ks("RO access", 2)],
    syntax="key",
    since="5.0.0",
    summary="List the consumer groups of a stream",
    complexity="O(1)",
    history=[("7.0.0", "Added the `entries-read` and `lag` fields")],
)

XINFO_HELP = command(
    "xinfo|help", 2, "loading stale", "@stream @slow",
    since="5.0.0",
    summary="Show helpful text about the different subcommands",
    complexity="O(1)",
)

XINFO_STREAM = command(
    "xinfo|stream", -3, "readonly", "@read @stream @slow",
    keys=[ks("RO access", 2)],
    syntax="key [FULL (full: [COUNT count:integer])]",
    since="5.0.0",
    summary="Get information about a stream",
    complexity="O(1)",
    history=[("6.0.0", "Added the `FULL` modifier."), ("7.0.0", "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields")],
)

XINFO = command(
    "xinfo", -2, "", "@slow",
    since="5.0.0",
    summary="A container for stream introspection commands",
    complexity="Depends on subcommand.",
    subcommands=[XINFO_CONSUMERS, XINFO_GROUPS, XINFO_HELP, XINFO_STREAM],
)

XLEN = command(
    "xlen", 2, "readonly fast", "@read @stream @fast",
    keys=[ks("RO", 1)],
    syntax="key",
    since="5.0.0",
    summary="Return the number of entries in a stream",
    complexity="O(1)",
)

XPENDING = command(
    "xpending", -3, "readonly", "@read @stream @slow",
    keys=[ks("RO access", 1)],
    syntax="key group [filters: [IDLE min-idle-time:integer@6.2.0] start end count:integer [consumer]]",
    tips="nondeterministic_output",
    since="5.0.0",
    summary="Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.",
    complexity="O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
    history=[("6.2.0", "Added the `IDLE` option and exclusive range intervals.")],
)

XRANGE = command(
    "xrange", -4, "readonly", "@read @stream @slow",
    keys=[ks("RO access", 1)],
    syntax="key start end [COUNT count:integer]",
    since="5.0.0",
    summary="Return a range of elements in a stream, with IDs matching the specified IDs interval",
    complexity="O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
    history=[("6.2.0", "Added exclusive ranges.")],
)

XREAD = command(
    "xread", -4, "readonly blocking", "@read @stream @slow @blocking",
    keys=[ks("RO access", keyword="STREAMS", lastkey=-1, limit=2)],
    syntax="[COUNT count:integer] [BLOCK milliseconds:integer] STREAMS (streams: key ... id ...)",
    since="5.0.0",
    summary="Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.",
    complexity="For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
)

XREADGROUP = command(
    "xreadgroup", -7, "write blocking", "@write @stream @slow @blocking",
    keys=[ks("RO access", keyword="STREAMS", startfrom=4, lastkey=-1, limit=2)],
    syntax="GROUP (group consumer) [COUNT count:integer] [BLOCK milliseconds:integer] [NOACK] STREAMS (streams: key ... id ...)",
    since="5.0.0",
    summary="Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.",
    complexity="For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
)

XREVRANGE = command(
    "xrevrange", -4, "readonly", "@read @stream @slow",
    keys=[ks("RO access", 1)],
    syntax="key end start [COUNT count:integer]",
    since="5.0.0",
    summary="Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
    complexity="O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
    history=[("6.2.0", "Added exclusive ranges.")],
)

XSETID = command(
    "xsetid", -3, "write denyoom fast", "@write @stream @fast",
    keys=[ks("RW update", 1)],
    syntax="key last-id [ENTRIESADDED entries_added:integer@7.0.0] [MAXDELETEDID max_deleted_entry_id@7.0.0]",
    since="5.0.0",
    summary="An internal command for replicating stream values",
    complexity="O(1)",
    history=[("7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments.")],
)

XTRIM = command(
    "xtrim", -4, "write", "@write @stream @slow",
    keys=[ks("RW delete", 1)],
    syntax='key (trim: (strategy: MAXLEN | MINID@6.2.0) [operator: "="=equal | "~"=approximately] threshold [LIMIT count:integer@6.2.0])',
    tips="nondeterministic_output",
    since="5.0.0",
    summary="Trims the stream to (approximately if '~' is passed) a certain size",
    complexity="O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
    history=[("6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option.")],
)

SPECS = (XACK, XADD, XAUTOCLAIM, XCLAIM, XDEL, XGROUP, XINFO, XLEN, XPENDING, XRANGE, XREAD, XREADGROUP, XREVRANGE, XSETID, XTRIM)
