"""Redis glob patterns (actors/engine/glob.py).

The table's expectations were taken from redis-server 7.0.15: each subject was
stored alone in a fresh database and ``KEYS pattern`` was asked whether it
matched (the ``nocase`` rows come from ``CONFIG GET pattern``, which matches
case-insensitively). A hypothesis test then holds the compiled matcher against
a line-by-line port of ``stringmatchlen`` from util.c.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actors.engine.glob import compile_glob, glob_match

# (pattern, subject, matches) as redis-server 7.0.15 answered KEYS.
REDIS_KEYS_CASES = [
    (b"*", b"", True),
    (b"**", b"", False),
    (b"", b"", True),
    (b"?", b"", False),
    (b"a*", b"a", True),
    (b"a**", b"a", True),
    (b"*a", b"a", True),
    (b"*", b"abc", True),
    (b"a*c", b"abbbc", True),
    (b"a*c", b"ac", True),
    (b"a*c", b"acb", False),
    (b"?", b"a", True),
    (b"??", b"a", False),
    (b"a?c", b"abc", True),
    (b"[abc]", b"b", True),
    (b"[abc]", b"d", False),
    (b"[^abc]", b"d", True),
    (b"[^abc]", b"a", False),
    (b"[a-c]", b"b", True),
    (b"[a-c]", b"d", False),
    (b"[c-a]", b"b", True),
    (b"[c-a]", b"d", False),
    (b"\\*", b"*", True),
    (b"\\*", b"a", False),
    (b"\\?", b"?", True),
    (b"\\?", b"x", False),
    (b"a\\", b"a\\", True),
    (b"\\", b"\\", True),
    (b"[abc", b"a", True),
    (b"[abc", b"d", False),
    (b"[", b"[", False),
    (b"[", b"a", False),
    (b"[a", b"a", True),
    (b"[]", b"]", False),
    (b"[]a]", b"a]", False),
    (b"[]a]", b"]", False),
    (b"[^]", b"x", True),
    (b"[^]", b"]", True),
    (b"[a-]", b"-", False),
    (b"[a-]", b"a", True),
    (b"[a-]", b"_", True),
    (b"[a-]x", b"ax", False),
    (b"[a-]x", b"a", True),
    (b"[\\]]", b"]", True),
    (b"[\\-a]", b"-", True),
    (b"[\\-a]", b"b", False),
    (b"[a\\-c]", b"b", False),
    (b"[a\\-c]", b"-", True),
    (b"[\\", b"\\", True),
    (b"[-a]", b"-", True),
    (b"[-a]", b"a", True),
    (b"[a-c-e]", b"d", False),
    (b"[a-c-e]", b"-", True),
    (b"[a-c-e]", b"e", True),
    (b"h[^e]llo", b"hallo", True),
    (b"h[^e]llo", b"hello", False),
    (b"*[", b"a[", False),
    (b"a[*]", b"a*", True),
    (b"a[*]", b"ab", False),
    (b"[?]", b"?", True),
    (b"[?]", b"a", False),
    (b"a\nb", b"a\nb", True),
    (b"?", b"\n", True),
    (b"*", b"a\nb", True),
    (b"[a-\xff]", b"b", False),
    (b"[a-\xff]", b"\x80", False),
    (b"[a-\xff]", b"\x00", True),
    (b"[a-\xff]", b"A", True),
    (b"[\x00-\x80]", b"\x90", True),
    (b"[\x00-\x80]", b"a", False),
    (b"[\x80-\xff]", b"\x90", True),
    (b"[\x80-\xff]", b"a", False),
    (b"?", b"\xe9", True),
    (b"\xe9*", b"\xe9t\xe9", True),
    (b"*a*b*", b"xaxbx", True),
    (b"*a*b*", b"xbxax", False),
    (b"a*b*c", b"abc", True),
    (b"a*b*c", b"aXbYcZ", False),
    (b"user:*:name", b"user:1:name", True),
    (b"user:*:name", b"user:1:names", False),
    (b"[[]", b"[", True),
    (b"[\\[]", b"[", True),
    (b"[^a-c]x", b"dx", True),
    (b"[^a-c]x", b"bx", False),
    (b"A", b"a", False),
    (b"[A-Z]", b"a", False),
]

# (pattern, subject, matches) with nocase, as redis-server 7.0.15 answered CONFIG GET.
REDIS_NOCASE_CASES = [
    (b"MAXMEMORY-POLIC*", b"maxmemory-policy", True),
    (b"[M]axmemory", b"maxmemory", True),
    (b"\\Maxmemory-polic*", b"maxmemory-policy", True),
    (b"[\\M]axmemory-polic*", b"maxmemory-policy", False),
    (b"[L-N]axmemory", b"maxmemory", True),
    (b"[N-L]axmemory", b"maxmemory", True),
    (b"[^M]axmemory", b"maxmemory", False),
    (b"maxmemory-polic[X-Z]", b"maxmemory-policy", True),
    (b"maxmemory-polic[A-Z]", b"maxmemory-policy", True),
    (b"maxmemory-polic[^Y]", b"maxmemory-policy", False),
    (b"maxmemory[,-.]policy", b"maxmemory-policy", True),
]

# Cases read off util.c that a config name cannot show: bounds are lowercased
# after the swap, so [Z-a] is empty and [A-z] loses the punctuation between.
DERIVED_NOCASE_CASES = [
    (b"[Z-a]", b"_", False),
    (b"[A-z]", b"[", False),
    (b"[A-z]", b"Q", True),
    (b"[a-\xff]", b"B", False),
]


@pytest.mark.parametrize(("pattern", "subject", "expected"), REDIS_KEYS_CASES)
def test_glob_matches_as_redis_keys_does(pattern: bytes, subject: bytes, expected: bool) -> None:
    assert glob_match(pattern, subject) is expected


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"), REDIS_NOCASE_CASES + DERIVED_NOCASE_CASES
)
def test_nocase_glob_matches_as_redis_config_get_does(
    pattern: bytes, subject: bytes, expected: bool
) -> None:
    assert glob_match(pattern, subject, nocase=True) is expected


def test_compiled_patterns_are_cached() -> None:
    assert compile_glob(b"user:[0-9]*") is compile_glob(b"user:[0-9]*")


def test_nocase_and_case_sensitive_compilations_are_distinct() -> None:
    assert compile_glob(b"ab") is not compile_glob(b"ab", True)
    assert compile_glob(b"ab", True)(b"AB") and not compile_glob(b"ab")(b"AB")


def stringmatchlen(pattern: bytes, subject: bytes, nocase: bool) -> bool:
    """A line-by-line port of Redis 7.0 ``stringmatchlen`` (util.c), chars signed."""
    pat = [b - 256 if b >= 128 else b for b in pattern] + [0]
    sub = [b - 256 if b >= 128 else b for b in subject] + [0]

    def lower(c: int) -> int:
        return c + 32 if 65 <= c <= 90 else c

    def impl(p: int, plen: int, s: int, slen: int) -> bool:
        while plen and slen:
            c = pat[p]
            if c == ord("*"):
                while plen and pat[p + 1] == ord("*"):
                    p += 1
                    plen -= 1
                if plen == 1:
                    return True
                while slen:
                    if impl(p + 1, plen - 1, s, slen):
                        return True
                    s += 1
                    slen -= 1
                return False
            elif c == ord("?"):
                s += 1
                slen -= 1
            elif c == ord("["):
                p += 1
                plen -= 1
                negate = pat[p] == ord("^")
                if negate:
                    p += 1
                    plen -= 1
                match = False
                while True:
                    if pat[p] == ord("\\") and plen >= 2:
                        p += 1
                        plen -= 1
                        if pat[p] == sub[s]:
                            match = True
                    elif pat[p] == ord("]"):
                        break
                    elif plen == 0:
                        p -= 1
                        plen += 1
                        break
                    elif plen >= 3 and pat[p + 1] == ord("-"):
                        start, end, char = pat[p], pat[p + 2], sub[s]
                        if start > end:
                            start, end = end, start
                        if nocase:
                            start, end, char = lower(start), lower(end), lower(char)
                        p += 2
                        plen -= 2
                        if start <= char <= end:
                            match = True
                    elif (lower(pat[p]) == lower(sub[s])) if nocase else pat[p] == sub[s]:
                        match = True
                    p += 1
                    plen -= 1
                if negate:
                    match = not match
                if not match:
                    return False
                s += 1
                slen -= 1
            else:
                if c == ord("\\") and plen >= 2:
                    p += 1
                    plen -= 1
                if (lower(pat[p]) != lower(sub[s])) if nocase else pat[p] != sub[s]:
                    return False
                s += 1
                slen -= 1
            p += 1
            plen -= 1
            if slen == 0:
                while pat[p] == ord("*"):
                    p += 1
                    plen -= 1
                break
        return plen == 0 and slen == 0

    return impl(0, len(pattern), 0, len(subject))


GLOB_BYTES = st.sampled_from(list(b"*?[]^-\\abcAB_\x00\x7f\x80\xff"))
SUBJECT_BYTES = st.sampled_from(list(b"abcAB-]^[\\_*?\x00\x7f\x80\xff"))


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.lists(GLOB_BYTES, max_size=8).map(bytes),
    subject=st.lists(SUBJECT_BYTES, max_size=6).map(bytes),
    nocase=st.booleans(),
)
def test_glob_agrees_with_a_port_of_stringmatchlen(
    pattern: bytes, subject: bytes, nocase: bool
) -> None:
    if pattern == b"*":
        assert glob_match(pattern, subject, nocase)  # the KEYS/SCAN shortcut
        return
    assert glob_match(pattern, subject, nocase) is stringmatchlen(pattern, subject, nocase)


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    # KEYS * is a shortcut in keysCommand, not stringmatchlen.
    [case for case in REDIS_KEYS_CASES if case[0] != b"*"],
)
def test_the_reference_port_agrees_with_redis(pattern: bytes, subject: bytes, expected: bool) -> None:
    assert stringmatchlen(pattern, subject, False) is expected
