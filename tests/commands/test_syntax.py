"""The argument-syntax mini-language: parse, render, round-trip."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from protocol.commands.spec import Argument
from protocol.commands.syntax import SyntaxError_, min_arity, parse, render
from protocol.commands.table import ALL_SPECS


def test_a_token_binds_to_the_name_after_it():
    (arg,) = parse("[MATCH pattern:pattern]")
    assert arg == Argument(name="pattern", type="pattern", token="MATCH", optional=True)


def test_alternatives_make_a_oneof_named_after_its_children():
    (arg,) = parse("[NX | XX]")
    assert arg.type == "oneof" and arg.name == "nx_xx" and arg.optional
    assert [child.token for child in arg.arguments] == ["NX", "XX"]


def test_a_label_names_a_oneof_and_carries_since():
    (arg,) = parse("[condition@7.0.0: NX | XX | GT | LT]")
    assert (arg.name, arg.since, len(arg.arguments)) == ("condition", "7.0.0", 4)


def test_a_repeated_block_is_multiple():
    (arg,) = parse("(key value) ...")
    assert arg.type == "block" and arg.multiple and not arg.multiple_token
    assert [(child.name, child.type, child.key_spec_index) for child in arg.arguments] == [
        ("key", "key", 0),
        ("value", "string", None),
    ]


def test_a_repeated_token_argument_is_multiple_token():
    (arg,) = parse("[PREFIX prefix]...")
    assert (arg.token, arg.optional, arg.multiple, arg.multiple_token) == ("PREFIX", True, True, True)


def test_key_spec_index_and_quoted_names_and_tokens():
    args = parse('<ip:port>!2.8.12 newkey:key#1 "*"=auto_id')
    assert args[0] == Argument(name="ip:port", type="string", deprecated_since="2.8.12")
    assert args[1].key_spec_index == 1
    assert args[2] == Argument(name="auto_id", type="pure-token", token="*")


def test_min_arity_counts_required_words():
    assert min_arity(parse("key value [NX | XX] [EX seconds:integer]")) == 2
    assert min_arity(parse("(key value) ...")) == 2


@pytest.mark.parametrize("text", ["[key", "key)", "(NX | )", "key value]"])
def test_malformed_syntax_is_rejected(text):
    with pytest.raises(SyntaxError_):
        parse(text)


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: spec.name)
def test_every_table_syntax_round_trips(spec):
    assert parse(render(spec.arguments)) == spec.arguments


_names = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
_tokens = st.from_regex(r"[A-Z][A-Z0-9]{0,6}", fullmatch=True)
_since = st.none() | st.sampled_from(["2.6.12", "6.2.0", "7.0.0"])


def _flags(arg: Argument, draw_optional: bool, draw_multiple: bool, multiple_token: bool) -> Argument:
    return Argument(
        name=arg.name, type=arg.type, token=arg.token, optional=draw_optional, multiple=draw_multiple,
        multiple_token=draw_multiple and multiple_token and arg.token is not None,
        key_spec_index=arg.key_spec_index, arguments=arg.arguments, since=arg.since,
    )


@st.composite
def _leaf(draw):
    kind = draw(st.sampled_from(["string", "integer", "key", "pattern", "double", "pure-token"]))
    since = draw(_since)
    if kind == "pure-token":
        token = draw(_tokens)
        return Argument(name=token.lower(), type=kind, token=token, since=since)
    token = draw(st.none() | _tokens)
    key_spec_index = draw(st.integers(0, 2)) if kind == "key" else None
    return Argument(name=draw(_names), type=kind, token=token, key_spec_index=key_spec_index, since=since)


def _group(children):
    @st.composite
    def build(draw):
        kind = draw(st.sampled_from(["oneof", "block"]))
        args = tuple(draw(st.lists(children, min_size=2, max_size=3)))
        if kind == "oneof":
            args = tuple(_flags(arg, arg.optional, arg.multiple, arg.multiple_token) for arg in args)
        name = draw(st.none() | _names) or "_".join(arg.name for arg in args)
        return Argument(name=name, type=kind, token=draw(st.none() | _tokens), arguments=args, since=draw(_since))

    return build()


@st.composite
def _decorated(draw, base):
    arg = draw(base)
    return _flags(arg, draw(st.booleans()), draw(st.booleans()), draw(st.booleans()))


_arguments = st.recursive(_decorated(_leaf()), lambda inner: _decorated(_group(inner)), max_leaves=8)


_TOKEN_A = Argument(name="a", type="pure-token", token="A")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_arguments, max_size=4))
# Two bare tokens before a name: the first must not bind to the wrapped second.
@example([Argument(name="a_a_a", type="block", arguments=(_TOKEN_A, _TOKEN_A, Argument(name="a", type="string")))])
def test_rendered_trees_parse_back_to_the_same_tree(args):
    args = tuple(args)
    assert parse(render(args)) == args
