"""docs/commands.md is generated from the table and must not drift."""

from __future__ import annotations

from protocol.commands import docgen


def test_the_command_reference_is_up_to_date():
    assert docgen.main(["--check"]) == 0, "run: python -m protocol.commands.docgen"


def test_the_reference_shows_each_commands_syntax():
    text = docgen.render_reference()
    assert "    MSET (key value) ..." in text
    assert "\n#### CONFIG GET\n" in text and "\n### CONFIG GET\n" not in text
