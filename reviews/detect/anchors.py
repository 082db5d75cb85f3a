"""Try a costly word pattern only at the words it can start with.

Python's `re` tries every alternative of a pattern at every word of the text. The detector's big
word lists ("massacred|slaughtered|mass graves|…") therefore cost the same at every word, however
few of them could begin a match. `AnchoredPattern` reads, once, which literal words the pattern's
alternatives start with, and at search time tries the pattern only at the words of the text that
begin that way. Where an alternative does not start with a literal word the pattern is searched as
usual, so the results are always exactly those of `finditer` (tests compare the two on every corpus).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre  # the parser's own names; the parse tree is stable within a Python release
from re import _parser

_WORD = re.compile(r"\w+")


def _starts(items: list, index: int = 0) -> set[str] | None:
    """The literal text every match of items[index:] starts with, one entry per way; None when unknown."""
    while index < len(items) and items[index][0] in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        index += 1  # "\b" and "(?=\w)" consume nothing
    if index == len(items):
        return {""}
    op, value = items[index]
    if op is sre.LITERAL:
        literal = ""
        while index < len(items) and items[index][0] is sre.LITERAL:
            literal += chr(items[index][1])
            index += 1
        rest = _starts(items, index)
        if rest is None or len(rest) > 500:
            return {literal}  # what follows is open: the literal alone still has to be there
        return {literal + tail for tail in rest}
    if op is sre.BRANCH:
        found: set[str] = set()
        for branch in value[1]:
            starts = _starts(list(branch) + items[index + 1 :])
            if starts is None:
                return None
            found |= starts
        return found
    if op is sre.SUBPATTERN:
        return _starts(list(value[-1]) + items[index + 1 :])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, _, item = value
        inner = _starts(list(item) + items[index + 1 :])
        if low == 0:
            skipped = _starts(items, index + 1)
            return None if inner is None or skipped is None else inner | skipped
        return inner
    return None


class AnchoredPattern:
    """A compiled word pattern that finds what `finditer` finds, trying only words it can start at."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern
        starts = None
        try:
            starts = _starts(list(_parser.parse(pattern.pattern, pattern.flags)))
        except Exception:  # an unusual construct: fall back to a plain search
            starts = None
        if starts is not None and "" in starts:
            starts = None
        # A start such as "mass graves" or "massacr" is checked on the first word of the text there.
        self.words: set[str] | None = None
        self.prefixes: tuple[str, ...] = ()
        if starts is not None:
            # Compared lower-cased: for a case-sensitive pattern that tries a few more words, never fewer.
            firsts = {start.lower() for start in starts}
            self.words = {start.split(" ")[0] for start in firsts if " " in start}
            self.prefixes = tuple(sorted({start for start in firsts if " " not in start}))

    def may_match(self, words: list[tuple[int, str]]) -> bool:
        """False when none of the words can start a match (always True for a pattern that cannot tell)."""
        if self.words is None:
            return True
        return any(token in self.words or token.startswith(self.prefixes) for _, token in words)

    def finditer(self, text: str, start: int, end: int, words: list[tuple[int, str]]) -> Iterator[re.Match]:
        """Matches in text[start:end]; `words` are that stretch's (offset, lower-cased word) from `words_in`."""
        if self.words is None:
            yield from self.pattern.finditer(text, start, end)
            return
        reached = start
        for offset, token in words:
            if offset < reached or (token not in self.words and not token.startswith(self.prefixes)):
                continue
            match = self.pattern.match(text, offset, end)
            if match:
                reached = max(match.end(), offset + 1)
                yield match


def words_in(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Each word of text[start:end] with its offset, lower-cased, for `AnchoredPattern.finditer`."""
    return [(word.start(), word.group().lower()) for word in _WORD.finditer(text, start, end)]
