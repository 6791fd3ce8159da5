"""Generate ``docs/commands.md`` from the command table.

``python -m protocol.commands.docgen`` rewrites the file; ``--check`` exits 1
when the file on disk differs from what the table produces (CI and a test run it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .spec import CommandSpec
from .syntax import render
from .table import COMMANDS

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "commands.md"


def render_reference() -> str:
    groups: dict[str, list[CommandSpec]] = {}
    for spec in COMMANDS.values():
        groups.setdefault(spec.group, []).append(spec)
    lines = [
        "# Command reference",
        "",
        "Generated from the command table by `python -m protocol.commands.docgen`; do not edit.",
        "Argument syntax is the table's mini-language (see `protocol/commands/syntax.py`).",
        "",
    ]
    for group in sorted(groups):
        lines += [f"## {group}", ""]
        for spec in sorted(groups[group], key=lambda spec: spec.name):
            lines += _entry(spec, "###")
            for sub in sorted(spec.subcommands, key=lambda sub: sub.name):
                lines += _entry(sub, "####")
    return "\n".join(lines).rstrip() + "\n"


def _entry(spec: CommandSpec, heading: str) -> list[str]:
    usage = spec.name.replace("|", " ").upper()
    syntax = render(spec.arguments)
    lines = [f"{heading} {usage}", "", spec.summary, "", f"    {usage}{' ' + syntax if syntax else ''}", ""]
    facts = [f"since {spec.since}", f"arity {spec.arity}"]
    if spec.complexity:
        facts.append(f"complexity: {spec.complexity}")
    if spec.flags:
        facts.append("flags: " + ", ".join(sorted(spec.flags)))
    if spec.acl_categories:
        facts.append("ACL: " + " ".join(spec.acl_categories))
    if spec.deprecated_since:
        facts.append(f"deprecated since {spec.deprecated_since}, use {spec.replaced_by}")
    lines += [f"- {fact}" for fact in facts] + [""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m protocol.commands.docgen")
    parser.add_argument("--check", action="store_true", help="fail if docs/commands.md is stale")
    options = parser.parse_args(argv)
    text = render_reference()
    if options.check:
        current = DOC_PATH.read_text() if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is out of date; run python -m protocol.commands.docgen", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
