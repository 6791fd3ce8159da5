"""DESIGN §3: the command table and the handler registries agree.

Every spec runs somewhere: KEYS and ALL_SHARDS specs have an engine handler,
CONNECTION specs a connection handler, SERVER specs a supervisor handler;
and every registered handler belongs to a spec of the matching scope.
Container commands (CONFIG, CLIENT, OBJECT, COMMAND) route by subcommand, so
the container itself needs no handler unless it can run bare (COMMAND).
"""

from __future__ import annotations

import pytest

from protocol.commands.spec import CommandSpec, Scope
from protocol.commands.table import ALL_SPECS

from actors.connection_commands import LOCAL_HANDLERS
from actors.engine.dispatch import load_families
from actors.server_commands import SERVER_HANDLERS

ENGINE_HANDLERS = load_families()
REGISTRY_BY_SCOPE = {
    Scope.KEYS: ENGINE_HANDLERS,
    Scope.ALL_SHARDS: ENGINE_HANDLERS,
    Scope.CONNECTION: LOCAL_HANDLERS,
    Scope.SERVER: SERVER_HANDLERS,
}
# A container whose bare form (no subcommand) is a command of its own.
RUNS_BARE = {"command"}


def runnable_specs() -> list[CommandSpec]:
    return [spec for spec in ALL_SPECS if not spec.subcommands or spec.name in RUNS_BARE]


@pytest.mark.parametrize("spec", runnable_specs(), ids=lambda spec: spec.name)
def test_every_spec_has_a_handler_for_its_scope(spec: CommandSpec) -> None:
    assert spec.name in REGISTRY_BY_SCOPE[spec.scope], f"{spec.name} ({spec.scope}) has no handler"


@pytest.mark.parametrize(
    "registry, scopes",
    [
        (ENGINE_HANDLERS, {Scope.KEYS, Scope.ALL_SHARDS}),
        (LOCAL_HANDLERS, {Scope.CONNECTION}),
        (SERVER_HANDLERS, {Scope.SERVER}),
    ],
    ids=["engine", "connection", "server"],
)
def test_every_handler_belongs_to_a_spec_of_its_scope(registry: dict, scopes: set[Scope]) -> None:
    by_name = {spec.name: spec for spec in ALL_SPECS}
    strays = sorted(name for name in registry if name not in by_name or by_name[name].scope not in scopes)
    assert strays == []
