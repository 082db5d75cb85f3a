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
_WORD_PREFIX = re.compile(r"\w*")


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


def _word_starts(source: str, flags: int) -> tuple[set[str], tuple[str, ...]] | None:
    """(whole first words, prefixes) a match of `source` can start with; None when that cannot be told."""
    try:
        starts = _starts(list(_parser.parse(source, flags)))
    except Exception:  # an unusual construct: the caller falls back to a plain search
        return None
    if starts is None or "" in starts:
        return None
    # A start such as "mass graves" or "ill-treat" is checked on the first word of the text there (the word
    # ends where the literal leaves the word characters), "massacr" as a prefix of that word.
    # Compared lower-cased: for a case-sensitive pattern that tries a few more words, never fewer.
    firsts = {start.lower() for start in starts}
    words, prefixes = set(), set()
    for start in firsts:
        word = _WORD_PREFIX.match(start).group()
        if not word:
            return None  # starts with punctuation: no word to anchor at
        (prefixes if word == start else words).add(word)
    return words, tuple(sorted(prefixes))


def _structure(source: str) -> Iterator[tuple[int, str, int]]:
    """(index, "(" or ")" or "|", how many groups are open after it) for the pattern's own grouping
    characters, skipping escaped ones and those inside character classes."""
    depth, index, in_class = 0, 0, False
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[char]
            yield index, char, depth
        index += 1


def _split_alternatives(source: str) -> tuple[str, list[str], str] | None:
    """ "(?=\\w)\\b(?:A|B|C)\\b" -> ("(?=\\w)\\b", ["A", "B", "C"], "\\b"): the first group's top-level branches,
    when that group stands in no other group (one that repeats would change what the branches match)."""
    opening = source.find("(?:")
    if opening < 0:
        return None
    branches, begin = [], opening + 3
    for index, char, depth in _structure(source):
        if index < opening:
            continue
        if index == opening and depth != 1:
            return None  # the group sits inside another one
        if char == "|" and depth == 1:
            branches.append(source[begin:index])
            begin = index + 1
        elif char == ")" and depth == 0:
            branches.append(source[begin:index])
            after = source[index + 1 :]
            # "(?:a|b)*c" cannot be split by branch: the group repeats.
            return None if after[:1] in ("*", "+", "?", "{") else (source[:opening], branches, after)
    return None


class AnchoredPattern:
    """A compiled word pattern that finds what `finditer` finds, trying only words it can start at.

    A pattern that is one long alternation ("massacred|mass graves|…") is also split by branch: at a word,
    only the branches that can start with that word are tried, in their order, so the match is the one the
    whole pattern would give."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern
        starts = _word_starts(pattern.pattern, pattern.flags)
        self.words: set[str] | None = starts[0] if starts else None
        self.prefixes: tuple[str, ...] = starts[1] if starts else ()
        # Which words can start a match, remembered: news text repeats its words, so after a few articles
        # a sentence is checked by two set operations instead of hundreds of prefix tests per word.
        self._seen: set[str] = set()
        self._starting: set[str] = set()
        self._branches: list[tuple[set[str], tuple[str, ...]]] | None = None
        self._by_word: dict[str, re.Pattern] = {}
        self._by_branches: dict[tuple[int, ...], re.Pattern] = {}
        split = _split_alternatives(pattern.pattern) if starts and not pattern.groupindex else None
        if split is not None and len(split[1]) > 1:
            before, branches, after = split
            sources = [f"{before}(?:{branch}){after}" for branch in branches]
            found = [_word_starts(source, pattern.flags) for source in sources]
            if all(found):
                self._before, self._after, self._sources = before, after, branches
                self._branches = found  # type: ignore[assignment]

    def _pattern_at(self, token: str) -> re.Pattern:
        """The pattern to try where `token` starts: only the branches that can start with it."""
        found = self._by_word.get(token)
        if found is None:
            if self._branches is None:
                found = self.pattern
            else:
                chosen = tuple(
                    index
                    for index, (words, prefixes) in enumerate(self._branches)
                    if token in words or token.startswith(prefixes)
                )
                found = self._by_branches.get(chosen)
                if found is None:
                    body = "|".join(self._sources[index] for index in chosen)
                    found = self._by_branches[chosen] = re.compile(
                        f"{self._before}(?:{body}){self._after}", self.pattern.flags
                    )
            if len(self._by_word) > 100_000:
                self._by_word.clear()
            self._by_word[token] = found
        return found

    def starting(self, words: Words) -> set[str]:
        """The words of `words` that can start a match."""
        tokens = words.tokens
        new = tokens - self._seen
        if new:
            if len(self._seen) > 100_000:  # bounded memory on an unusual vocabulary
                self._seen, self._starting = set(), set()
                new = tokens
            self._seen |= new
            self._starting.update(t for t in new if t in self.words or t.startswith(self.prefixes))
        return tokens & self._starting

    def may_match(self, words: Words) -> bool:
        """False when none of the words can start a match (always True for a pattern that cannot tell)."""
        return self.words is None or bool(self.starting(words))

    def finditer(self, text: str, start: int, end: int, words: Words) -> Iterator[re.Match]:
        """Matches in text[start:end]; `words` are that stretch's (offset, lower-cased word) from `words_in`."""
        if self.words is None:
            yield from self.pattern.finditer(text, start, end)
            return
        starting = self.starting(words)
        if not starting:
            return
        reached = start
        for offset, token in words:
            if offset < reached or token not in starting:
                continue
            match = self._pattern_at(token).match(text, offset, end)
            if match:
                reached = max(match.end(), offset + 1)
                yield match


class Words(list):
    """(offset, lower-cased word) pairs of a stretch of text, with the set of its words."""

    @property
    def tokens(self) -> set[str]:
        try:
            return self._tokens
        except AttributeError:
            self._tokens = {token for _, token in self}
            return self._tokens


def words_in(text: str, start: int, end: int) -> Words:
    """Each word of text[start:end] with its offset, lower-cased, for `AnchoredPattern.finditer`."""
    lowered = text[start:end].lower()
    if len(lowered) == end - start:  # lower-casing kept every offset (it does but for a few letters, e.g. "İ")
        return Words((start + word.start(), word.group()) for word in _WORD.finditer(lowered))
    return Words((word.start(), word.group().lower()) for word in _WORD.finditer(text, start, end))
