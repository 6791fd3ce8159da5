"""The argument-syntax mini-language: one string per command -> ``Argument`` tree.

A spec writes its arguments the way Redis documents them, plus a few marks, and
:func:`parse` builds the tree COMMAND DOCS reports. :func:`render` is the exact
inverse (``parse(render(args)) == args``), so the generated reference shows the
same string.

Grammar::

    seq     := item*
    item    := TOKEN item?           a token binds to the one item right after it
             | atom '...'?           '...' marks the item multiple
    atom    := name | TOKEN | '(' group ')' | '[' group ']'     ([...] = optional)
    group   := [label ':'] alt ('|' alt)*
    alt     := seq

* ``name`` is lower case (``[a-z][a-z0-9_-]*``, or anything inside ``<...>``)
  with optional marks: ``:type`` (default ``string``; ``key`` defaults to type
  key), ``#n`` key spec index (default 0), ``@since``, ``!deprecated_since``.
* ``TOKEN`` is upper case (``[A-Z][A-Z0-9_-]*``, or anything inside ``"..."``)
  with optional ``=name`` (default ``token.lower()``), ``@since``, ``!deprecated``.
* ``TOKEN name`` is one argument with a token; ``TOKEN (group)`` gives the
  group's argument (a block or oneof) that token.
* A group of several alternatives is a ``oneof``; one alternative of several
  items, or a labelled group of one item, is a ``block``; otherwise the group
  just wraps its single argument (``[x]`` makes it optional). Unlabelled
  oneofs and blocks are named by joining their children's names with ``_``, as
  Redis names most of them (``nosave_save``, ``key_value``).
* ``...`` after an item makes it ``multiple``; if that item already has its
  token (``[PREFIX prefix]...``) it is also ``multiple_token``.

Labels take the same ``@since`` / ``!deprecated`` marks: ``[condition@7.0.0: NX | XX | GT | LT]``.
"""

from __future__ import annotations

import functools
import re

import attrs

from .spec import Argument

__all__ = ["SyntaxError_", "parse", "render", "min_arity"]


class SyntaxError_(ValueError):
    """The syntax string is malformed (a bug in a spec module)."""


_NAME = r"(?:[a-z][a-z0-9_-]*|<[^>]+>)"
_TOKEN = r"(?:[A-Z][A-Z0-9_-]*|\"[^\"]*\")"
_MARKS = r"(?::[a-z-]+)?(?:\#\d+)?(?:@[0-9.]+)?(?:![0-9.]+)?"
_LEXER = re.compile(
    rf"""\s*(?:
        (?P<label>{_NAME}(?:@[0-9.]+)?(?:![0-9.]+)?):(?=\s)
      | (?P<token>{_TOKEN}(?:=[a-z][a-z0-9_-]*)?(?:@[0-9.]+)?(?:![0-9.]+)?)
      | (?P<name>{_NAME}{_MARKS})
      | (?P<punct>\.\.\.|[\[\]()|])
    )""",
    re.VERBOSE,
)
_MARK = re.compile(r"(?::(?P<type>[a-z-]+))?(?:#(?P<ks>\d+))?(?:@(?P<since>[0-9.]+))?(?:!(?P<dep>[0-9.]+))?$")

_GROUP_TYPES = ("oneof", "block")


@attrs.frozen
class _Lex:
    kind: str
    text: str


def _lex(text: str) -> list[_Lex]:
    out: list[_Lex] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _LEXER.match(text, pos)
        if match is None:
            raise SyntaxError_(f"cannot read {text[pos:]!r} in {text!r}")
        kind = match.lastgroup
        assert kind is not None
        out.append(_Lex(kind, match.group(kind)))
        pos = match.end()
    return out


def _split_word(word: str, opener: str, closer: str) -> tuple[str, str]:
    """Split ``<ip:port>#1`` / ``"*"=star`` into the bare word and its marks."""
    if word.startswith(opener):
        end = word.index(closer, 1)
        return word[1:end], word[end + 1 :]
    match = re.match(r"[A-Za-z0-9_-]+", word)
    assert match is not None
    return match.group(), word[match.end() :]


def _marks(rest: str) -> dict[str, str | None]:
    match = _MARK.match(rest)
    if match is None:
        raise SyntaxError_(f"bad marks {rest!r}")
    return match.groupdict()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items = _lex(text)
        self.pos = 0

    def peek(self) -> _Lex | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self) -> _Lex:
        item = self.items[self.pos]
        self.pos += 1
        return item

    def seq(self) -> list[Argument]:
        args: list[Argument] = []
        while (item := self.peek()) is not None and item.text not in ("|", ")", "]"):
            args.append(self.item())
        return args

    def item(self) -> Argument:
        head = self.peek()
        assert head is not None
        if head.kind == "token":
            self.take()
            token, rest = _split_word(head.text, '"', '"')
            own_name = None
            if rest.startswith("="):
                own_name, rest = _split_name_marks(rest[1:])
            marks = _marks(rest)
            nxt = self.peek()
            if nxt is not None and (nxt.kind == "name" or nxt.text == "("):
                bound = self.item()
                bound = attrs.evolve(bound, token=token)
                if own_name is not None:
                    bound = attrs.evolve(bound, name=own_name)
                return _apply_marks(bound, marks)
            arg = Argument(name=own_name or token.lower(), type="pure-token", token=token)
            arg = _apply_marks(arg, marks)
            return self.suffix(arg, bare_token=True)
        return self.suffix(self.atom())

    def suffix(self, arg: Argument, bare_token: bool = False) -> Argument:
        """``...``: multiple; multiple_token too when the token is inside the
        repeated item (``[PREFIX prefix]...``, ``(NOW)...``), not for ``NOW ...``."""
        nxt = self.peek()
        if nxt is not None and nxt.text == "...":
            self.take()
            return attrs.evolve(arg, multiple=True, multiple_token=arg.token is not None and not bare_token)
        return arg

    def atom(self) -> Argument:
        head = self.take()
        if head.kind == "name":
            name, rest = _split_word(head.text, "<", ">")
            marks = _marks(rest)
            type_ = marks["type"] or ("key" if name == "key" else "string")
            arg = Argument(name=name, type=type_)
            if marks["ks"] is not None or type_ == "key":
                arg = attrs.evolve(arg, key_spec_index=int(marks["ks"] or 0))
            return _apply_marks(arg, marks)
        if head.text in ("(", "["):
            closer = ")" if head.text == "(" else "]"
            arg = self.group()
            end = self.take() if self.peek() is not None else None
            if end is None or end.text != closer:
                raise SyntaxError_(f"missing {closer!r} in {self.text!r}")
            return attrs.evolve(arg, optional=True) if closer == "]" else arg
        raise SyntaxError_(f"unexpected {head.text!r} in {self.text!r}")

    def group(self) -> Argument:
        label: str | None = None
        marks: dict[str, str | None] = {}
        head = self.peek()
        if head is not None and head.kind == "label":
            self.take()
            label, rest = _split_word(head.text, "<", ">")
            marks = _marks(rest)
        alts = [self.seq()]
        while (nxt := self.peek()) is not None and nxt.text == "|":
            self.take()
            alts.append(self.seq())
        if any(not alt for alt in alts):
            raise SyntaxError_(f"empty alternative in {self.text!r}")
        if len(alts) > 1:
            children = tuple(_alt_to_arg(alt) for alt in alts)
            arg = Argument(name=label or _auto_name(children), type="oneof", arguments=children)
        elif len(alts[0]) > 1 or label is not None:
            children = tuple(alts[0])
            arg = Argument(name=label or _auto_name(children), type="block", arguments=children)
        else:
            arg = alts[0][0]
        return _apply_marks(arg, marks)


def _split_name_marks(text: str) -> tuple[str, str]:
    match = re.match(r"[a-z][a-z0-9_-]*", text)
    assert match is not None
    return match.group(), text[match.end() :]


def _alt_to_arg(alt: list[Argument]) -> Argument:
    if len(alt) == 1:
        return alt[0]
    return Argument(name=_auto_name(tuple(alt)), type="block", arguments=tuple(alt))


def _auto_name(children: tuple[Argument, ...]) -> str:
    return "_".join(child.name for child in children)


def _apply_marks(arg: Argument, marks: dict[str, str | None]) -> Argument:
    changes: dict[str, object] = {}
    if marks.get("since"):
        changes["since"] = marks["since"]
    if marks.get("dep"):
        changes["deprecated_since"] = marks["dep"]
    return attrs.evolve(arg, **changes) if changes else arg


@functools.lru_cache(maxsize=None)
def parse(text: str) -> tuple[Argument, ...]:
    """Parse a syntax string into the top-level arguments."""
    parser = _Parser(text)
    args = parser.seq()
    if parser.peek() is not None:
        raise SyntaxError_(f"unbalanced {parser.peek().text!r} in {text!r}")  # type: ignore[union-attr]
    return tuple(args)


# --- rendering ---------------------------------------------------------------


def render(args: tuple[Argument, ...] | list[Argument]) -> str:
    """Render an argument tree back to the syntax string :func:`parse` reads."""
    return _render_seq(list(args))


def _render_seq(args: list[Argument]) -> str:
    # Right to left: whether a token needs wrapping depends on the final text
    # of the item after it.
    parts: list[str] = []
    following: str | None = None
    for arg in reversed(args):
        text = _render_arg(arg)
        # A bare required pure token would bind to a name or group after it.
        if (
            arg.type == "pure-token"
            and not arg.optional
            and not arg.multiple
            and following is not None
            and following[0] not in "[\"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        ):
            text = f"({text})"
        parts.append(text)
        following = text
    return " ".join(reversed(parts))


def _word_marks(arg: Argument) -> str:
    out = ""
    if arg.since:
        out += f"@{arg.since}"
    if arg.deprecated_since:
        out += f"!{arg.deprecated_since}"
    return out


def _render_name(name: str) -> str:
    return name if re.fullmatch(r"[a-z][a-z0-9_-]*", name) else f"<{name}>"


def _render_token(token: str) -> str:
    return token if re.fullmatch(r"[A-Z][A-Z0-9_-]*", token) else f'"{token}"'


def _render_core(arg: Argument) -> str:
    """The argument without its token, optional and multiple marks."""
    if arg.type == "pure-token":
        assert arg.token is not None
        text = _render_token(arg.token)
        if arg.name != arg.token.lower():
            text += f"={arg.name}"
        return text + _word_marks(arg)
    if arg.type in _GROUP_TYPES:
        children = arg.arguments
        if arg.type == "oneof":
            body = " | ".join(_render_arg(child) for child in children)
            needs_label = len(children) < 2
        else:
            body = _render_seq(list(children))
            needs_label = len(children) < 2
        marks = _word_marks(arg)
        if needs_label or marks or arg.name != _auto_name(children):
            body = f"{_render_name(arg.name)}{marks}: {body}"
        return f"({body})"
    text = _render_name(arg.name)
    default_type = "key" if arg.name == "key" else "string"
    if arg.type != default_type:
        text += f":{arg.type}"
    if arg.key_spec_index is not None and (arg.type != "key" or arg.key_spec_index):
        text += f"#{arg.key_spec_index}"
    return text + _word_marks(arg)


def _render_arg(arg: Argument) -> str:
    core = _render_core(arg)
    text = core
    if arg.type != "pure-token":
        if arg.multiple and not arg.multiple_token:
            core += " ..."
        text = f"{_render_token(arg.token)} {core}" if arg.token else core
    if arg.type == "pure-token" and arg.multiple and not arg.multiple_token:
        text += " ..."
    if arg.multiple_token:
        return f"[{text}]..." if arg.optional else f"({text})..."
    if arg.optional:
        if not arg.multiple and text is core and core.startswith("("):
            return f"[{core[1:-1]}]"
        return f"[{text}]"
    return text


def min_arity(args: tuple[Argument, ...]) -> int:
    """The fewest argv words the arguments need (not counting the command name)."""
    return sum(_min_words(arg) for arg in args)


def _min_words(arg: Argument) -> int:
    if arg.optional:
        return 0
    own = 1 if arg.token else 0
    if arg.type == "pure-token":
        return 1
    if arg.type == "oneof":
        return own + min(_min_words(child) for child in arg.arguments)
    if arg.type == "block":
        return own + sum(_min_words(child) for child in arg.arguments)
    return own + 1


def max_arity(args: tuple[Argument, ...]) -> int | None:
    """The most argv words the arguments take, or None when unbounded."""
    total = 0
    for arg in args:
        words = _max_words(arg)
        if words is None:
            return None
        total += words
    return total


def _max_words(arg: Argument) -> int | None:
    if arg.multiple:
        return None
    own = 1 if arg.token else 0
    if arg.type == "pure-token":
        return 1
    if arg.type in _GROUP_TYPES:
        sizes = [_max_words(child) for child in arg.arguments]
        if any(size is None for size in sizes):
            return None
        counted = [size for size in sizes if size is not None]
        return own + (max(counted) if arg.type == "oneof" else sum(counted))
    return own + 1
