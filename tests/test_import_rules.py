"""DESIGN §2's import rules, checked on the source: each layer imports only
what its row allows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# layer folder -> top-level modules it must never import
FORBIDDEN = {
    "protocol": {"trio", "trio_websocket", "actors", "client", "web"},
    "actors/engine": {"trio", "trio_websocket", "client", "web"},
    "actors": {"client", "web", "trio_websocket"},
    "client": {"actors", "web"},
    "web": {"actors"},
}
# actors/engine may import nothing from the rest of actors
ENGINE_ALLOWED_ACTORS_PREFIX = "actors.engine"


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def layer_of(path: Path) -> str:
    relative = path.relative_to(ROOT).as_posix()
    if relative.startswith("actors/engine/"):
        return "actors/engine"
    return relative.split("/", 1)[0]


SOURCES = [
    path
    for folder in ("protocol", "actors", "client", "web")
    for path in sorted((ROOT / folder).rglob("*.py"))
]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_imports_only_what_its_layer_allows(path: Path) -> None:
    layer = layer_of(path)
    forbidden = FORBIDDEN[layer]
    for module in imported_modules(path):
        top = module.split(".", 1)[0]
        assert top not in forbidden, f"{path.name} ({layer}) imports {module}"
        if layer == "actors/engine" and top == "actors":
            assert module.startswith(ENGINE_ALLOWED_ACTORS_PREFIX), f"{path.name} imports {module}"


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import trio\nfrom actors.shard import Shard\n")
    assert imported_modules(sample) == ["trio", "actors.shard"]
