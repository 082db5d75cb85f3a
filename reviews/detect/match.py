"""The same claim in different articles: syndicated copies and paraphrases.

A statement is reduced to its content terms: lower case, stemmed (Snowball), numbers in words made
digits, and the many names news text has for the same thing folded into one ("troops", "personnel"
and "soldiers" are all soldiers). Two statements match when rapidfuzz's token-set ratio of their
terms is high and they share enough terms that are not common in the corpus. `MatchIndex` finds the
candidates through an inverted index over the rarer terms, so a query touches a few postings rather
than every statement.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer
from rapidfuzz import fuzz

from reviews.detect.detector import ATTRIBUTION, Candidate, detect
from reviews.detect.figures import UNITS, Figure, parse_number

MIN_SCORE = 70.0  # rapidfuzz token-set ratio, 0-100
MIN_SHARED = 3  # content terms two statements must share
MIN_TERMS = 3  # a statement with fewer content terms is too short to match on
MIN_WEIGHTED_OVERLAP = 0.5  # of the lighter statement's term weight (IDF), shared with the other
COMMON_SHARE = 0.01  # a term in more than this share of statements finds no candidates
RARE_TERMS = 4  # how many of a statement's rarest terms find its candidates

_STEMMER = snowballstemmer.stemmer("english")
_WORD = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)?")
_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves said says told according reported reports per via while
also one another
"""
_STOP = frozenset(_STOP_WORDS.split())
# Folds applied after stemming: many words, one meaning. General news vocabulary, no names.
_FOLDS = {
    **dict.fromkeys(["troop", "personnel", "servicemen", "serviceman", "servicememb", "fighter"], "soldier"),
    **dict.fromkeys(["armi", "militari", "forc"], "militari"),
    **dict.fromkeys(["kill", "dead", "die", "death", "murder", "slaughter", "massacr", "execut"], "kill"),
    **dict.fromkeys(["wound", "injur", "hurt"], "wound"),
    **dict.fromkeys(["captur", "captiv", "prison", "pow", "detain", "arrest", "imprison"], "captur"),
    **dict.fromkeys(["civilian", "resid", "inhabit", "peopl", "citizen"], "civilian"),
    **dict.fromkeys(["child", "kid", "children"], "child"),
    **dict.fromkeys(["news", "press", "media"], "press"),
    **dict.fromkeys(["confer", "brief"], "confer"),
    **dict.fromkeys(["ukrain", "ukrainian"], "ukrain"),
    **dict.fromkeys(["russia", "russian"], "russia"),
    **dict.fromkeys(["flee", "fled", "displac", "evacu", "refuge"], "displac"),
}  # fmt: skip


def terms(text: str) -> list[str]:
    """The content terms of a statement, in order."""
    found = []
    words = _WORD.findall(text.lower().replace("’", "'"))
    for word in words:
        if word in _STOP:
            continue
        if word[0].isdigit() or word in UNITS:
            value = parse_number(word)
            found.append(str(int(value)) if value is not None and value == int(value) else word)
            continue
        stem = _STEMMER.stemWord(word.removesuffix("'s"))
        found.append(_FOLDS.get(stem, stem))
    return found


def match_key(text: str) -> str:
    return " ".join(terms(text))


@dataclass(frozen=True)
class Match:
    id: object
    score: float


def similarity(key: str, other: str) -> float:
    """0-100: rapidfuzz's token-set ratio of two match keys, 0 when they share too little to compare."""
    mine, theirs = set(key.split()), set(other.split())
    if len(mine) < MIN_TERMS or len(theirs) < MIN_TERMS or len(mine & theirs) < MIN_SHARED:
        return 0.0
    return fuzz.token_set_ratio(key, other)


class MatchIndex:
    """Statements by id, with an inverted index from term to the ids of statements that contain it."""

    def __init__(self, items: Iterable[tuple[object, str]] = ()) -> None:
        self.keys: dict[object, str] = {}
        self.postings: dict[str, list[object]] = {}
        for item_id, key in items:
            self.add(item_id, key)

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, item_id: object, key: str) -> None:
        if item_id in self.keys:
            return
        self.keys[item_id] = key
        for term in set(key.split()):
            self.postings.setdefault(term, []).append(item_id)

    def weight(self, term: str) -> float:
        """Inverse document frequency: terms most statements share count for little."""
        return math.log((len(self.keys) + 1) / (len(self.postings.get(term, ())) + 1)) + 1

    def weighted_overlap(self, mine: set[str], theirs: set[str]) -> float:
        """The share of the lighter statement's term weight that the two have in common."""
        lighter = min(sum(map(self.weight, mine)), sum(map(self.weight, theirs)))
        return sum(map(self.weight, mine & theirs)) / lighter if lighter else 0.0

    def query(self, key: str, *, min_score: float = MIN_SCORE, limit: int = 20, exclude=None) -> list[Match]:
        """Statements that match the key, best first. `exclude(id)` says which ids not to return."""
        wanted = set(key.split())
        if len(wanted) < MIN_TERMS:
            return []
        total = max(len(self.keys), 1)
        common = max(20, COMMON_SHARE * total)
        # Candidates come from the statement's rarest terms: a paraphrase shares at least one of them,
        # and their postings are short, so a query stays fast however many statements there are.
        rare = sorted((len(self.postings.get(term, ())), term) for term in wanted)
        rare = [term for count, term in rare if 0 < count <= common][:RARE_TERMS]
        if not rare:
            return []
        weights = Counter()
        for term in rare:
            weights.update(self.postings[term])
        matches = []
        for item_id, _ in weights.most_common(limit * 5):
            if exclude is not None and exclude(item_id):
                continue
            other = self.keys[item_id]
            score = similarity(key, other)
            if score >= min_score and self.weighted_overlap(wanted, set(other.split())) >= MIN_WEIGHTED_OVERLAP:
                matches.append(Match(item_id, score))
        matches.sort(key=lambda match: -match.score)
        return matches[:limit]


@dataclass(frozen=True)
class Statement:
    """A sentence that carries at least one candidate claim; the span is its claim, the key its sentence."""

    start: int
    end: int
    quote: str
    key: str
    figures: tuple[Figure, ...]


def statements(text: str) -> list[Statement]:
    """One statement per sentence with a candidate. The span is the sentence's casualty and Geneva
    candidates (from the first to the last), or the whole sentence when it only attributes."""
    by_sentence: dict[tuple[int, int], list[Candidate]] = {}
    for candidate in detect(text):
        by_sentence.setdefault(candidate.sentence, []).append(candidate)
    found = []
    for (sentence_start, sentence_end), candidates in sorted(by_sentence.items()):
        claims = [candidate for candidate in candidates if candidate.category != ATTRIBUTION]
        start = min(c.start for c in claims) if claims else sentence_start
        end = max(c.end for c in claims) if claims else sentence_end
        figures = tuple(c.figure for c in claims if c.figure is not None)
        key = match_key(text[sentence_start:sentence_end])
        found.append(Statement(start=start, end=end, quote=text[start:end], key=key, figures=figures))
    return found
