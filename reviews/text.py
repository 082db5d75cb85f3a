"""Plain-text handling: decoding imported files, deriving titles and outlets, and span selectors.

Offsets everywhere are Python string indices (code points) into the stored body. Line endings are
normalised the way `open(path, encoding="utf-8-sig").read()` does (which also drops a leading byte
order mark), so offsets into the stored body are also offsets into the file as Python reads it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from reviews.models import PREFIX_SUFFIX_LENGTH

MAX_ARTICLE_BYTES = 1_000_000
MAX_TITLE_LENGTH = 200
_HEADLINE_MAX = 250
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")
_ENDS_LIKE_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")
# A full stop after these ends no sentence: "U.S. officials", "J. Smith", "Mr. Putin".
_ABBREVIATION = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Prof)$")


class TextRefused(ValueError):
    """The input cannot become an article; the message is the one-line reason shown to people."""


def decode_article(data: bytes) -> str:
    """Decode an uploaded or read file into the body to store, or raise TextRefused."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise TextRefused(f"file is larger than the {MAX_ARTICLE_BYTES // 1000} kB limit")
    if b"\x00" in data:
        raise TextRefused("file looks binary (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextRefused(f"file is not valid UTF-8 text (bad byte at position {exc.start})") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t"]
    if controls:
        raise TextRefused(f"file contains control characters (first: U+{ord(controls[0]):04X}); is it binary?")
    if not any(_visible(ch) for ch in text):
        raise TextRefused("file is empty")
    return text


# Characters that print as nothing though Unicode does not call them space: format characters (byte
# order marks, zero-width spaces) are found by category; these fillers by name.
_BLANK_FILLERS = {"\u2800", "\u3164", "\u115f", "\u1160", "\uffa0"}


def _visible(ch: str) -> bool:
    return not ch.isspace() and ch not in _BLANK_FILLERS and unicodedata.category(ch) != "Cf"


def content_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _shorten(text: str, limit: int = MAX_TITLE_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–—- ") + "…"


@dataclass(frozen=True)
class ArticleMeta:
    title: str
    outlet: str  # empty when the text does not say


def derive_meta(body: str) -> ArticleMeta:
    """Title: the headline line when the text opens with one, else its first sentence.

    A headline is a short first line that does not end like a sentence. Outlet: what the text
    states about itself ("Source: X", "X is an automatic aggregator ..."), else empty.
    """
    lines = [line.strip() for line in body.split("\n")]
    first = next(line for line in lines if line)
    is_headline = len(first) <= _HEADLINE_MAX and not _ENDS_LIKE_SENTENCE.search(first)
    title = first if is_headline else _first_sentence(first)
    return ArticleMeta(title=_shorten(title), outlet=_derive_outlet(lines))


def _first_sentence(line: str) -> str:
    for match in _SENTENCE_END.finditer(line):
        if not (match.group().startswith(".") and _ABBREVIATION.search(line[: match.start()])):
            return line[: match.end()]
    return line


_SOURCE_LINE = re.compile(r"^Source:\s*(?P<name>[^\n]{2,80}?)\s*$", re.IGNORECASE)
_SELF_DESCRIPTION = re.compile(
    r"^(?P<name>[A-Z][\w&.' -]{1,60}?) is an? (?:automatic |independent |online )?"
    r"(?:aggregator|news agency|news site|news website|media outlet|newspaper)\b"
)


def _derive_outlet(lines: list[str]) -> str:
    for line in lines:
        match = _SOURCE_LINE.match(line) or _SELF_DESCRIPTION.match(line)
        if match:
            return match.group("name").strip()
    return ""


@dataclass(frozen=True)
class TextQuoteSelector:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def select_span(body: str, start: int, end: int) -> TextQuoteSelector:
    """The position and quote selectors of body[start:end], or TextRefused if the span is unusable."""
    if not (0 <= start < end <= len(body)):
        raise TextRefused(f"the span {start}–{end} is outside the article (length {len(body)})")
    quote = body[start:end]
    if not quote.strip():
        raise TextRefused("the selection contains only white space")
    return TextQuoteSelector(
        start=start,
        end=end,
        quote=quote,
        prefix=body[max(0, start - PREFIX_SUFFIX_LENGTH) : start],
        suffix=body[end : end + PREFIX_SUFFIX_LENGTH],
    )
