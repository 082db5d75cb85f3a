"""Numbers as news text writes them, normalised to a value or a range.

"at least 43", "some 2,000", "10-20,000", "tens of thousands", "seven", "dozens": each becomes a
`Figure` with a low and high bound (equal for an exact count; high is None for "at least"), the
qualifier the text gives, and whether the number itself is vague ("thousands").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "a dozen": 12, "dozen": 12,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# Vague amounts: the words name an order of magnitude, not a count.
VAGUE = {
    "a handful of": (3, 9),
    "several": (3, 9),
    "scores of": (40, 199),
    "dozens of": (24, 99),
    "dozens": (24, 99),
    "hundreds of thousands of": (200_000, 999_999),
    "hundreds of thousands": (200_000, 999_999),
    "tens of thousands of": (20_000, 99_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of": (200, 999),
    "hundreds": (200, 999),
    "thousands of": (2_000, 9_999),
    "thousands": (2_000, 9_999),
    "millions of": (2_000_000, 9_999_999),
    "millions": (2_000_000, 9_999_999),
}

# Qualifier phrase -> its normal form.
QUALIFIERS = {
    "at least": "at least", "no fewer than": "at least", "no less than": "at least", "a minimum of": "at least",
    "more than": "more than", "over": "more than", "upwards of": "more than", "in excess of": "more than",
    "about": "about", "around": "about", "some": "about", "roughly": "about", "approximately": "about",
    "an estimated": "about", "estimated": "about", "nearly": "about", "almost": "about", "close to": "about",
    "up to": "up to", "as many as": "up to", "at most": "up to", "fewer than": "fewer than",
    "less than": "fewer than", "under": "fewer than",
}  # fmt: skip

_WORD_NUMBER = "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:[,.]\d{3})+(?![.,]?\d)|\d+(?:\.\d+)?"
WORDS_NUMBER = rf"(?:a (?=hundred|thousand|million))?(?:{_WORD_NUMBER})(?:[\s-]+(?:and[\s-]+)?(?:{_WORD_NUMBER}))*"
NUMBER = rf"(?:{_DIGITS})(?:\s+(?:million|billion|thousand))?|{WORDS_NUMBER}"
RANGE = rf"(?:between\s+)?(?:{NUMBER})\s*(?:-|–|—|to|or|and)\s*(?:{NUMBER})"
VAGUE_PATTERN = "|".join(re.escape(phrase) for phrase in sorted(VAGUE, key=len, reverse=True))
QUALIFIER_PATTERN = "|".join(re.escape(phrase) for phrase in sorted(QUALIFIERS, key=len, reverse=True))

FIGURE = re.compile(
    rf"(?:(?P<qualifier>{QUALIFIER_PATTERN})\s+)?"
    rf"(?P<amount>(?P<range>{RANGE})|(?P<vague>{VAGUE_PATTERN})|(?P<number>{NUMBER}))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    low: int
    high: int | None  # None: open-ended ("at least", "more than")
    qualifier: str  # "", "at least", "more than", "about", "up to", "fewer than"
    vague: bool  # the text names a magnitude ("thousands"), not a count
    counted: str = ""  # killed, dead, wounded, captured, arrested, displaced, missing, or "" when unsaid

    def as_dict(self) -> dict:
        return asdict(self)

    def same_amount(self, other: Figure) -> bool:
        """Whether two figures state the same number (qualifiers aside): 7 and "seven" do, 43 and 40 do not."""
        return (self.low, self.high, self.vague) == (other.low, other.high, other.vague)

    def describe(self) -> str:
        amount = f"{self.low:,}" if self.high == self.low else f"{self.low:,}–{self.high:,}" if self.high else ""
        if self.high is None:
            amount = f"{self.low:,}"
        words = [self.qualifier, ("~" if self.vague else "") + amount, self.counted]
        return " ".join(word for word in words if word)


_SCALED = re.compile(rf"([\d.,]+)\s+({'|'.join(SCALES)})")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+")
_THOUSANDS_POINT = re.compile(r"\d{1,3}(?:\.\d{3})+")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_number(text: str) -> float | None:
    """The value of a number in digits or words: "2,000" -> 2000, "twenty-five" -> 25, "1.5 million"."""
    text = text.strip().lower()
    scale = 1
    scaled = _SCALED.fullmatch(text)
    if scaled:
        text, scale = scaled.group(1), SCALES[scaled.group(2)]
    if _THOUSANDS_COMMA.fullmatch(text):
        return int(text.replace(",", "")) * scale
    if _THOUSANDS_POINT.fullmatch(text):  # a thousands point, as much of Europe writes it
        return int(text.replace(".", "")) * scale
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text) * scale
    return _parse_words(text)


def _parse_words(text: str) -> float | None:
    total, current = 0, 0
    words = re.split(r"[\s-]+", re.sub(r"^a (?=hundred|thousand|million)", "one ", text.replace("a dozen", "dozen")))
    for word in words:
        if word == "and":
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0
        else:
            return None
    return total + current


def figure_from_match(match: re.Match, counted: str = "") -> Figure | None:
    qualifier = QUALIFIERS.get((match.group("qualifier") or "").lower(), "")
    if match.group("vague"):
        low, high = VAGUE[match.group("vague").lower()]
        if qualifier in ("at least", "more than"):
            high = None
        return Figure(low=low, high=high, qualifier=qualifier, vague=True, counted=counted)
    if match.group("range"):
        amount = re.sub(r"^between\s+", "", match.group("range"), flags=re.IGNORECASE)
        first, second = re.split(r"\s*(?:-|–|—|\bto\b|\bor\b|\band\b)\s*", amount, maxsplit=1)
        low, high = parse_number(first), parse_number(second)
        if low is None or high is None:
            return None
        # "10-20,000" and "10.00-20,000" mean ten to twenty thousand.
        if high >= 1000 and low * 100 < high and low * 1000 <= high:
            low *= 1000
        low, high = sorted((int(low), int(high)))
        return Figure(low=low, high=high, qualifier=qualifier, vague=False, counted=counted)
    value = parse_number(match.group("number"))
    if value is None:
        return None
    value = int(value)
    high = None if qualifier in ("at least", "more than") else value
    return Figure(low=value, high=high, qualifier=qualifier, vague=False, counted=counted)


def figures_disagree(figures: list[Figure]) -> bool:
    """Whether figures that count the same thing state different amounts (43 killed against at least 40)."""
    by_counted: dict[str, list[Figure]] = {}
    for figure in figures:
        by_counted.setdefault(figure.counted, []).append(figure)
    unsaid = by_counted.pop("", [])
    groups = list(by_counted.values()) or [unsaid]
    if by_counted and unsaid:  # a figure that does not say what it counts is compared with each group
        groups = [group + unsaid for group in groups]
    return any(not first.same_amount(other) for group in groups for first in group for other in group)
