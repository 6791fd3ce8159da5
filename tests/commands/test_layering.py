"""protocol/ may import only the stdlib and attrs (DESIGN §2)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import protocol

ALLOWED_THIRD_PARTY = {"attrs"}


def test_protocol_imports_only_stdlib_and_attrs():
    root = Path(protocol.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ALLOWED_THIRD_PARTY and top != "protocol":
                    offenders.append(f"{path.relative_to(root)}: {name}")
    assert offenders == []
