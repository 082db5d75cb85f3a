"""Find candidate claims in plain text: casualty figures, Geneva Convention concerns, attributions.

Everything here is general news language (numbers, casualty words, reporting verbs, credit lines);
nothing is keyed to particular outlets, names or articles. The detector reads text and returns
`Candidate`s with offsets into exactly the string it was given; it never touches the database.

The text is first cut into paragraphs, boilerplate paragraphs (related-article lists, "Read more"
lines, author bios, share prompts) are set aside, and each remaining paragraph is cut into
sentences. Patterns run per sentence, so a span never crosses a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from reviews.detect.anchors import AnchoredPattern, Words, words_in
from reviews.detect.figures import FIGURE, QUALIFIER_PATTERN, SCALES, TENS, UNITS, Figure, figure_from_match

CASUALTY = "casualty"
GENEVA = "geneva"
ATTRIBUTION = "attribution"
CATEGORIES = (CASUALTY, GENEVA, ATTRIBUTION)


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    category: str
    quote: str
    figure: Figure | None = None
    source: str = ""  # for attributions: the words naming where the claim comes from
    sentence: tuple[int, int] = (0, 0)  # the sentence the span sits in, for matching and chains
    details: dict = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        data = {"start": self.start, "end": self.end, "category": self.category, "quote": self.quote}
        if self.figure is not None:
            data["figure"] = self.figure.as_dict()
        if self.source:
            data["source"] = self.source
        return data


# --- paragraphs, boilerplate and sentences --------------------------------------------------------------

_BOILERPLATE_MARKER = re.compile(
    r"^\s*(?:read (?:more|also|next)|related(?: articles?| stories| posts| content| news| coverage| reading)?"
    r"|see also|more from|more on this|recommended(?: for you)?|you (?:may|might) also like|also read|don'?t miss"
    r"|back to top|share (?:this|on)|follow us|subscribe|sign up|advertisement|click here|trending)\b",
    re.IGNORECASE,
)
_ONLY_MARKER = re.compile(r"^\s*[\w' ]{0,30}:?\s*$")
_HANDLE = re.compile(r"^\s*@\w+\s*$")
_AUTHOR_BIO = re.compile(
    r"\b(?:is|was) an? (?:[\w-]+ ){0,4}(?:author|journalist|writer|reporter|editor|correspondent|columnist|"
    r"blogger|contributor)\b.{0,200}\b(?:works?|writes?|worked|wrote|known for|covers?|based in)\b"
    r"|\b(?:currently )?works as an? (?:[\w-]+ )?(?:writer|reporter|editor|journalist)\b",
    re.IGNORECASE | re.DOTALL,
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|[\"”](?=[A-Z])")
_ABBREVIATION = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Prof|No|Vol|vs|etc)\.$")


def paragraphs(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_boilerplate) for each non-empty line of the text."""
    found: list[tuple[int, int, bool]] = []
    position = 0
    in_link_list = False
    lines = text.split("\n")
    for number, line in enumerate(lines):
        start, end = position, position + len(line)
        position = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        start, end = start + lead, start + lead + len(stripped)
        boilerplate = False
        if _BOILERPLATE_MARKER.match(stripped) or _HANDLE.match(stripped):
            boilerplate = True
            # A bare marker ("Read More:", "Related Articles") heads a list of links that follows it.
            in_link_list = bool(_ONLY_MARKER.match(stripped))
        elif in_link_list and _looks_like_link(stripped) and not _SOURCE_LINE.match(stripped):
            boilerplate = True
        else:
            in_link_list = False
            if number >= len(lines) - 4 or len(lines) - number <= 6:
                boilerplate = bool(_AUTHOR_BIO.search(stripped)) and len(stripped) < 600
        found.append((start, end, boilerplate))
    return found


def _looks_like_link(line: str) -> bool:
    """A related-article headline: short, and either not a sentence or in headline case."""
    words = line.split()
    if len(words) > 30:
        return False
    capitalised = sum(word[:1].isupper() for word in words if word[:1].isalpha())
    return not line.endswith((".", "!", "?", "”", '"')) or capitalised >= 0.6 * len(words)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end]."""
    spans = []
    begin = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.group().startswith(".") and _ABBREVIATION.search(text, begin, match.start() + 1):
            continue
        stop = match.end()
        if text[begin:stop].strip():
            spans.append(_trim(text, begin, stop))
        begin = stop
    if text[begin:end].strip():
        spans.append(_trim(text, begin, end))
    return spans


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or run of sentences) that holds text[start:end]."""
    for par_start, par_end, _ in paragraphs(text):
        if par_start <= start < par_end or (start < par_start < end):
            spans = [span for span in sentences(text, par_start, par_end) if span[0] < end and start < span[1]]
            if spans:
                return min(spans[0][0], start), max(spans[-1][1], end)
    return start, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- casualty figures -----------------------------------------------------------------------------------

# What is counted, by the words that say it. Order matters: the first group that matches names it.
COUNTED_WORDS = [
    ("killed", r"kill(?:ed|ing|s)?|gunned down|butchered|eliminated|murder(?:ed|ing|s)?|slaughter(?:ed|ing)?|massacr(?:ed|ing)|execut(?:ed|ing)"
     r"|neutrali[sz]ed|shot dead|shoot(?:ing)? dead|lost their lives|los(?:t|ing) (?:their|his|her) li(?:fe|ves)|fatalities|death toll"),
    ("dead", r"dead|died|die|deaths?|bodies|corpses|perished|drowned|slain|buried under (?:the )?rubble|graves"),
    ("wounded", r"wounded|injur(?:ed|ies|ing|es)|hurt|maimed|(?:in )?(?:a )?critical(?:ly)? (?:condition|state|injured)"
     r"|hospitali[sz]ed|(?:airlifted|taken|rushed|admitted|flown) to (?:a |the )?(?:[\w’'-]+ ){0,3}(?:hospitals?|clinics?"
     r"|burns? units?|trauma cent(?:re|er)s?)|treated|in intensive care|needed (?:hospital )?treatment"
     r"|seriously (?:injured|wounded|hurt)|suffered (?:[\w-]+ ){0,2}(?:injuries|wounds|burns|fractures?)|fractured"
     r"|broken (?:ribs|bones|legs?|arms?|jaws?)|ribs broken"),
    ("captured", r"captured|captur(?:e|ing)|taken (?:prisoner|captive|hostage)|prisoners?|POWs?|hostages?|captives?"
     r"|laid down (?:their |his |its )?(?:arms|weapons)"
     r"|surrender(?:ed|ing)?|abducted|kidnapped|held (?:as )?hostages?|in captivity|exchanged|swapped|repatriated"
     r"|released in (?:an? )?(?:prisoner )?(?:exchanges?|swaps?)"),
    ("arrested", r"arrest(?:ed|ing|s)?|detain(?:ed|ing)?|detainees|detentions?|jailed|imprisoned|round(?:ed)? up|in custody"
     r"|remand(?:ed|s)?|(?:denied|refused) bail|swept up|sweeping up|taken into custody"
     r"|held (?:incommunicado|without charge)"),
    ("displaced", r"displaced|fled|fleeing|flee|refugees|evacuated|evacuees|homeless|IDPs|uprooted|expelled|driven"
     r"|(?:forced|driven|drove|driving|chased|left|leave|leaving|fled) (?:\w+ ){0,4}?from their homes|left their homes"
     r"|without shelter|sleeping in the open|staying with relatives|in evacuation cent(?:re|er)s"
     r"|left without (?:shelter|homes?)"),
    ("missing", r"missing|disappeared|vanished|unaccounted for|trapped|swept away"),
    ("casualties", r"casualties|losses|victims|shot down"),
]  # fmt: skip
_COUNTED = [(name, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for name, words in COUNTED_WORDS]

# Who can be counted: people, by many names. A plural demonym ("Ukrainians") counts too.
PEOPLE = (
    r"people|persons|civilians|residents|inhabitants|villagers|children|kids|babies|women|men|girls|boys|families"
    r"|soldiers|troops|servicemen|servicemembers|service members|personnel|officers|fighters|militants|combatants"
    r"|recruits|conscripts|pilots|marines|sailors|paratroopers|guards|policemen|police officers|commanders"
    r"|generals|deserters|protesters|demonstrators|journalists|reporters|doctors|medics|nurses|patients|workers"
    r"|students|prisoners|captives|hostages|refugees|migrants|detainees|victims|bodies|corpses|lives|dead"
    r"|newborns|infants|teenagers|passengers|crew members|aid workers|deaths|fatalities|casualties|injuries|martyrs"
    r"|them|whom|cases|mercenaries|insurgents|rebels|gunmen|jihadists|terrorists|miners|employees|staff|crew|crewmen"
    r"|guests|worshippers|shoppers|pensioners|youths|relatives|bystanders|households|individuals|defendants|evacuees"
    r"|IDPs|others|sailors|enemy"
    r"|[A-Z][a-z]+(?:ians|ans|ese|is|ish)"
)
_FIGURE_THEN_PEOPLE = re.compile(
    # "seven reconnaissance soldiers", "thousands of Ukrainian people", "at least 43 civilians"
    rf"{FIGURE.pattern}(?P<tail>[”\"’']?(?:\s+of)?(?:\s+(?:the|their|our|his|her|innocent|[\w-]+)){{0,3}}\s+(?:{PEOPLE})\b)",
    re.IGNORECASE,
)
_FIGURE_THEN_VERB = re.compile(
    # "15,000 had died", "43 killed", "2,000 were wounded"
    rf"{FIGURE.pattern}(?P<tail>[”\"’']?\s+(?:(?:have|had|has|were|was|are|is|been|being|reportedly|now|already|also|may"
    rf"|might|could|were|feared|believed|thought|to|have|more|still|remain|remained|left|be)\s+){{0,4}}"
    rf"(?:{'|'.join(words for _, words in COUNTED_WORDS)}))\b",
    re.IGNORECASE,
)
_TOLL = re.compile(
    rf"(?=\w)\b(?:death toll|toll|number of (?:[\w-]+ )?(?:dead|deaths|killed|casualties|victims|wounded|injured|displaced"
    rf"|refugees))"
    rf"(?: [\w-]+){{0,3}} (?:to|at|of|reached|reaches|is|was|stands at|stood at|passed|exceeded|topped) [“\"]?{FIGURE.pattern}",
    re.IGNORECASE,
)
_NOT_A_COUNT = re.compile(
    r"^(?:[\s-]*(?:years?|yrs?|year-old|-year|months?|weeks?|days?|hours?|minutes?|km|kilomet|miles?|metres?|meters?|%"
    r"|percent|per cent|times|am|pm|a\.m|p\.m|st\b|nd\b|rd\b|th\b|dollars|euros|pounds|views|followers|likes))",
    re.IGNORECASE,
)
_YEAR_OR_DATE = re.compile(r"^(?:1[89]|20)\d\d$")
# Casualty claims without a number.
_UNQUANTIFIED = re.compile(
    r"(?=\w)\b(?:massacr(?:ed|es?|ing)|slaughter(?:ed|ing)?|mass (?:graves?|killings?|murders?|executions?|casualties)"
    r"|wiped (?:out|off the map)|razed|genocide|ethnic cleansing|carnage|bloodbath|death toll|body count"
    r"|(?:heavy|heavier|huge|massive|enormous|worse|worst|terrible|staggering|significant) (?:losses|casualties|death tolls?)"
    r"|(?:suffered|sustained|taken|took|inflicted) (?:\w+ ){0,3}(?:losses|casualties)"
    r"|(?:a lot of|many|countless|numerous|scores of) (?:dead|casualties|bodies|corpses|victims|deaths|martyrs)"
    r"|(?:heavy|heavier|heaviest|great|greater|greatest|worst|huge|massive|terrible|appalling) loss(?:es)? of (?:civilian )?li(?:fe|ves)"
    r"|(?:death )?toll (?:[\w“”\"]+ ){0,3}[“\"]?(?:to rise|would rise|will rise|rising|rose|climbed|climbing|to climb"
    r"|mounting|mounted)"
    r"|number of (?:dead|deaths|victims|casualties|injured|wounded) (?:\w+ ){0,3}(?:rise|rising|rose|climb|climbing|grow|growing)"
    r"|mass (?:arrests|detentions|abductions|deportations?)|(?:died|deaths?) in (?:custody|detention|captivity)"
    r"|(?:are|were|is|was) among the (?:dead|victims|killed|injured|wounded|missing|casualties)"
    r"|among those (?:killed|dead|injured|wounded|missing|detained|arrested)|claimed (?:[\w,]+ ){0,4}lives"
    r"|(?:pulled|recovered|retrieved|exhumed) (?:[\w,]+ ){0,3}bodies|(?:hopes?|fears?) (?:\w+ ){0,2}(?:for|of) the missing"
    r"|(?:he|she|who) (?:later |subsequently |eventually |then )?died|civilian (?:casualties|deaths)"
    r"|losses (?:are|were|have been|remain) (?:\w+ )?(?:minimal|light|negligible|heavy|significant|insignificant|catastrophic)"
    r"|summary executions?|extrajudicial (?:killings?|executions?)"
    r"|(?:makeshift|shallow|fresh|unmarked|improvised|new) graves?|search(?:ing)? for (?:the )?missing"
    r"|deaths? (?:from|of|caused by) (?:\w+ ){0,2}(?:hunger|starvation|cold|disease|illness|exposure|injuries|wounds|thirst)"
    r"|lost (?:her|his|their|my|our) (?:\w+ )?(?:husbands?|wife|wives|sons?|daughters?|children|parents|mother|father"
    r"|brothers?|sisters?|famil(?:y|ies)|relatives|loved ones)"
    r"|among the (?:dead|victims|killed|injured|wounded|missing|casualties) (?:are|were|was|is)"
    r"|no (?:civilian |military )?(?:deaths|casualties|fatalities|injuries)|casualty (?:figures|counts|numbers|tolls?)"
    r"|(?:losses|casualties|death tolls?|tolls?) (?:\w+ ){0,3}(?:heavier|higher|greater|worse|lower|lighter|fewer|smaller) than"
    r"|(?:inflat|exaggerat|overstat|understat|underreport|downplay)\w* (?:[\w’'-]+ ){0,3}(?:losses|casualties|death tolls?"
    r"|casualty figures)"
    r"|(?:executions?|killings?|murders?) of (?:\w+ ){0,3}(?:captured|surrendered|unarmed|wounded|detained|civilians|prisoners"
    r"|captives|hostages|detainees)"
    r"|(?:kill|killing|killed|murder|murdering|murdered|shoot|shooting|shot|execute|executing|executed|slaughtering)"
    r" [“\"‘]?(?:[\w-]+ ){0,3}(?:civilians|women|children|people|residents|deserters|prisoners|soldiers|troops"
    r"|[A-Z][a-z]+(?:ians|ans|is))"
    r"|(?:(?:held|taken) (?:as )?hostages?)"
    r"|(?:many|most|several|some|countless|numerous|all|half|the rest|others|everyone|thousands|hundreds|dozens)(?: of)?"
    r"(?: [\w-]+){0,3} (?:had|have|has|were|was|are)"
    r"(?: been)? (?:killed|died|dead|wounded|injured|captured|surrendered|arrested|detained|evacuated|fled|displaced"
    r"|executed|missing)"
    r"|(?:were|was|being|are|been) (?:\w+ )?[“\"‘]?(?:killed|massacred|slaughtered|executed|abducted|kidnapped|captured"
    r"|taken prisoner|taken captive|taken hostage|swept away"
    r"|arrested|detained|wounded|injured|shot)"
    r"|(?:they|people|civilians|men|women|children|residents|relatives|villagers|soldiers|detainees|prisoners|others"
    r"|activists|journalists|protesters) (?:who |have |had |has |just |simply |also |all |later )*(?:went missing|gone missing"
    r"|(?:are|were|remain|remained) (?:still )?missing|disappeared|vanished)"
    r"|enforced disappearances?|(?:corpses|bodies) (?:of|were|are|piled|lay|lying|lined)|(?:those|people|passengers|residents|civilians) who"
    r" (?:drowned|died|perished|were killed)|(?:buried|trapped) (?:alive |under (?:the )?rubble)|(?:dead|real) (?:people|bodies|corpses|man|men)"
    r"|(?:true|real|actual|final|full) (?:death )?(?:toll|figure|number|count)s? (?:\w+ ){0,4}(?:higher|larger|greater)"
    r"|(?:losses|casualties|death toll|toll) (?:are|were|is|was|have been|had been) (?:\w+ )?(?:heavier|higher|greater|worse)"
    r"|(?:gunned down|opened fire on|mowed down|massacre|massacring) [“\"‘]?(?:[\w,-]+ ){0,3}(?:civilians|villagers"
    r"|women|children|people|residents|crowds?|protesters|worshippers|families|men)"
    r"|(?:shot|killed|executed) (?:everyone|anyone|all of them|those who)"
    r"|(?:student|man|woman|boy|girl|child|protester|journalist|civilian|resident|teenager|soldier|officer|driver|farmer"
    r"|worker|doctor|nurse|medic|activist)s? (?:was |were |had been |being |had |has )?(?:shot dead|shot|killed|wounded"
    r"|injured|stabbed|beaten to death|died|drowned|perished))\b",
    re.IGNORECASE,
)
_VERB_BEFORE = re.compile(
    rf"\b(?:{'|'.join(words for _, words in COUNTED_WORDS)}|lost|losing|among them|among the (?:dead|victims|killed"
    rf"|wounded|injured|slain)(?: (?:are|were|was|is))?|(?:the )?(?:dead|victims|slain|killed|wounded) includ(?:ed|es?)"
    rf"|claim(?:ed|ing|s)? the lives of|(?:deaths?|killings?|murders?"
    rf"|abductions?|arrests?|detention) of)\s+(?:(?:to|for)\s+)?(?:(?:{QUALIFIER_PATTERN}|between)\s+)?[“\"‘']?$",
    re.IGNORECASE,
)


_CIVILIAN_VICTIMS = re.compile(
    r"(?=\w)\b(?:civilians?|children|child|kids|babies|women|villagers|residents|patients|nurses|doctors|students?"
    r"|families|aid workers|newborns|infants|worshippers|passers-by|shoppers)\b",
    re.IGNORECASE,
)
# A casualty word shortly after a figure: after people ("61 people, including 19 children, were hurt") the
# gap may be longer than after a bare number ("at least five said ...", which counts no one).
_VERB_AFTER_PEOPLE = re.compile(
    rf"^[”\"’]?(?:[\s,]+(?!no\b|not\b)(?:[\w-]+[\s,]+){{0,6}}?)(?:{'|'.join(words for _, words in COUNTED_WORDS)})\b",
    re.IGNORECASE,
)
_VERB_AFTER_NUMBER = re.compile(
    rf"^[”\"’]?(?:\s+(?!no\b|not\b)(?:[\w-]+\s+){{0,2}}?)(?:{'|'.join(words for _, words in COUNTED_WORDS)})\b",
    re.IGNORECASE,
)


_UNQUANTIFIED_AT_WORDS = AnchoredPattern(_UNQUANTIFIED)
_TOLL_AT_WORDS = AnchoredPattern(_TOLL)
_DISPLACED_TOLL = re.compile(r"displaced|refugees", re.IGNORECASE)
_WOUNDED_TOLL = re.compile(r"wounded|injured", re.IGNORECASE)


def _counted_in(text: str) -> str:
    for name, pattern in _COUNTED:
        if pattern.search(text):
            return "" if name == "casualties" else name
    return ""


# Where a number may start: digits or a number word. Figure patterns are tried only there, which is
# many times faster than letting the regular expression engine try them at every character.
# Where a number may start: digits or a number word. Figure patterns are tried only there, which is
# many times faster than letting the regular expression engine try them at every character.
_NUMBER_WORDS = {*UNITS, *TENS, *SCALES, "dozens", "hundreds", "thousands", "millions", "tens", "scores", "several"}
_A_NUMBER = {"dozen", "handful", "hundred", "thousand", "million"}
_QUALIFIER_BEFORE = re.compile(rf"\b(?:{QUALIFIER_PATTERN})\s+$", re.IGNORECASE)


_DIGIT = re.compile(r"\d")
_MAY_START_NUMBER = frozenset({*_NUMBER_WORDS, "a"})


def _number_starts(text: str, start: int, end: int, words: Words) -> Iterator[int]:
    """Offsets of the words a number can start at: digits, number words, "a dozen", "a hundred"."""
    if words.tokens.isdisjoint(_MAY_START_NUMBER) and not _DIGIT.search(text, start, end):
        return  # most sentences: no number at all
    for index, (offset, token) in enumerate(words):
        follows = words[index + 1][1] if index + 1 < len(words) else ""
        if token[0].isdigit() or token in _NUMBER_WORDS or (token == "a" and follows in _A_NUMBER):
            yield offset


def _figure_matches(patterns: tuple[re.Pattern, ...], text: str, start: int, end: int, words: Words) -> list[re.Match]:
    """What `finditer` of each pattern would find, trying the patterns only where a number starts."""
    found: list[re.Match] = []
    reached = [start] * len(patterns)
    for position in _number_starts(text, start, end, words):
        if all(position < mark for mark in reached):
            continue
        qualifier = _QUALIFIER_BEFORE.search(text, max(start, position - 25), position)
        for number, pattern in enumerate(patterns):
            if position < reached[number]:
                continue
            match = pattern.match(text, qualifier.start(), end) if qualifier else None
            match = match or pattern.match(text, position, end)
            if match:
                found.append(match)
                reached[number] = match.end()
    return found


def _casualties(text: str, start: int, end: int, words: Words) -> list[Candidate]:
    found: list[Candidate] = []
    # A bare figure counts too when a casualty word stands right before or shortly after it ("killing 14").
    for match in _figure_matches((_FIGURE_THEN_VERB, _FIGURE_THEN_PEOPLE, FIGURE), text, start, end, words):
        if not _is_count(text, match):
            continue
        window_start = max(start, match.start() - 40)
        verb_before = _VERB_BEFORE.search(text, window_start, match.start())
        after = text[match.end() : min(end, match.end() + 80)]
        tail = match.groupdict().get("tail")
        counted = _counted_in(tail) if tail else ""
        span_start, span_end = match.start(), match.end()
        if verb_before:
            span_start = verb_before.start()
            counted = counted if counted and counted not in ("dead",) else _counted_in(verb_before.group())
        elif not counted:
            if not tail and match.group("vague"):
                continue  # "several videos of captured soldiers" counts videos, not people
            verb_after = (_VERB_AFTER_PEOPLE if tail else _VERB_AFTER_NUMBER).match(after)
            if verb_after is None:
                continue
            span_end = match.end() + verb_after.end()
            counted = _counted_in(verb_after.group())
        figure = figure_from_match(match, counted)
        if figure is None:
            continue
        found.append(_candidate(text, span_start, span_end, CASUALTY, figure=figure))
    for match in _TOLL_AT_WORDS.finditer(text, start, end, words):
        counted = "displaced" if _DISPLACED_TOLL.search(match.group()) else "dead"
        counted = "wounded" if _WOUNDED_TOLL.search(match.group()) else counted
        figure = figure_from_match(match, counted)
        if figure is not None:
            found.append(_candidate(text, match.start(), match.end(), CASUALTY, figure=figure))
    for match in _UNQUANTIFIED_AT_WORDS.finditer(text, start, end, words):
        found.append(_candidate(text, match.start(), match.end(), CASUALTY))
    # Civilians killed (not those who died or were hurt, which may be an accident) are also an attack on
    # civilians, a Geneva Convention concern.
    found += [
        replace(candidate, category=GENEVA, figure=None)
        for candidate in found
        if (
            _CIVILIAN_VICTIMS.search(candidate.quote)
            and (candidate.figure is None or candidate.figure.counted in ("killed", ""))
        )
        or (candidate.figure is not None and candidate.figure.counted == "captured")
    ]
    return found


def _is_count(text: str, match: re.Match) -> bool:
    amount = match.group("amount")
    after = text[match.end("amount") : match.end("amount") + 12]
    if _NOT_A_COUNT.match(after) or _YEAR_OR_DATE.match(amount.strip()):
        return False
    if amount.lower() in ("one", "a") and _OF_AFTER.match(text, match.end("amount")):
        return False  # "one of the seven officers" counts seven, not one
    if _NOT_A_COUNT_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
        return False
    # Ordinals written as words or units ("the 126th brigade") are not counts; "a dozen" is.
    return not _ORDINAL_SUFFIX.match(after)


_OF_AFTER = re.compile(r"\s+of\b")
_NOT_A_COUNT_BEFORE = re.compile(r"(?:\d[.,:]|[$€£#]|No\.\s?|\b[Nn]o\s)$")
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)\b")


# --- Geneva Convention and prisoner-of-war concerns -------------------------------------------------------

CIVILIAN_OBJECTS = (
    r"markets?|hospitals?|clinics?|schools?|homes|houses|residential (?:areas?|districts?|buildings?|blocks?"
    r"|neighbou?rhoods?)|apartment (?:blocks?|buildings?)|shelters?|churches|mosques|water (?:points?|supplies|stations?)"
    r"|health (?:care|facilities|centres?|centers?)|medical facilities|power (?:plants?|stations?)"
    r"|civilian (?:objects|infrastructure|areas|targets|buildings)|(?:humanitarian|aid) convoys?|ambulances?|baker(?:y|ies)"
    r"|refugee camps?|kindergartens?|universities|theatres?|theaters?|maternity|wards?|convoys?|buses"
    r"|wedding (?:party|parties|celebrations?|guests)|weddings?|ferr(?:y|ies)|factor(?:y|ies)|dams?"
    r"|bus (?:terminals?|stations?|stops?)|(?:train|railway) stations?|(?:refugee |displacement |IDP )?camps?|tents"
    r"|(?:bread|food|aid) (?:lines?|queues?|distribution(?: points?| centres?| centers?| sites?)?)|distribution points?"
    r"|playgrounds?|villages?|neighbou?rhoods?|orphanages?|nursing homes?|places of worship|water (?:treatment )?plants?"
    r"|medical facilit(?:y|ies)|(?:displacement|IDP|refugee) sites?|stations?|(?:passenger |civilian )?(?:minibus(?:es)?|bus)"
    r"|civilian (?:vehicles?|cars?)"
)
_GENEVA = re.compile(
    r"(?=\w)\b(?:(?:the |third |fourth |1949 )*Geneva Conventions?(?: \(?(?:III|IV|3|4)\)?)?"
    r"|Article \d+[a-z]?(?: of the (?:\w+ ){0,3}(?:Convention|treaty|protocol))?"
    r"|Additional Protocols?|international humanitarian law|(?:laws|rules|customs) of (?:war|armed conflict)"
    r"|war crimes?|crimes? against humanity|prisoners?(?: of war)?|POWs?|captives?|(?:captured|captive|imprisoned"
    r"|detained|kidnapped|abducted) (?:\w+ ){0,4}(?:soldiers?|troops|servicem[ae]n|pilots?|personnel|fighters?"
    r"|officers?|m[ae]n|commanders?|sailors|marines|guards|combatants|crew(?:men)?)|(?:soldiers?|troops|servicem[ae]n|pilots?|personnel|fighters?|officers?"
    r"|commanders?) (?:who were |who had been |were |being |who )?(?:captured|imprisoned|kidnapped|abducted|held captive"
    r"|surrendered)"
    r"|public curiosity|humiliat(?:ed|ing|ion)|(?:paraded|displayed|exhibited|shown|presented|filmed|seen|appeared"
    r"|broadcast|aired|circulated"
    r"|tears|sobbing|crying|questioned|interviewed|interrogated|mocked) (?:[\w’'-]+ ){0,4}(?:on (?:[\w’'-]+ ){0,2}(?:TV"
    r"|television|camera|video|social media)"
    r"|(?:in front of|before|to) (?:the )?(?:[\w’'-]+ ){0,2}(?:press|media|cameras|journalists|reporters))"
    r"|coerc(?:ed|ion|ive)|forced (?:confessions?|statements?|to (?:speak|confess|apologi[sz]e|say|read|record|beg|plead"
    r"|kneel|denounce|thank|praise|sing|chant))"
    r"|under duress|tortur(?:ed|e|ing)|ill-treat(?:ed|ment)|mistreat(?:ed|ment)|interrogat(?:ed|ion)"
    r"|human shields?|bombings|(?:sheltering|hiding|fleeing) from (?:\w+ ){0,2}(?:bombs|shelling|airstrikes|strikes"
    r"|missiles|rockets)|(?:attacks?|strikes?|shelling|bombing|firing|fire) (?:on|at|against)"
    r" (?:\w+ ){0,2}(?:civilians|residents|hospitals|schools|homes|evacuees|refugees|children)"
    r"|(?:bomb(?:ing|ed|s)?|shell(?:ing|ed)?|shoot(?:ing)?|shot|kill(?:ing|ed)?|murder(?:ing|ed)?|target(?:ing|ed)?"
    r"|attack(?:ing|ed)?|strik(?:ing|e)|slaughter(?:ing|ed)?) [“\"‘]?(?:[\w,-]+ ){0,3}(?:civilians|villagers|patients"
    r"|nurses|doctors|aid workers|residents|hospitals|schools|homes|evacuees"
    r"|women and children|children|innocent \w+|public places|cities|displaced (?:people|persons|families)|refugees"
    r"|humanitarian workers|health workers|medics|paramedics|rescuers|journalists"
    r"|evacuees|families)"
    r"|civilians? (?:came |come )?under fire|civilian (?:casualties|deaths|targets|areas|infrastructure)"
    r"|airstrikes?|air strikes?|indiscriminate \w+|deserters? (?:are |were )?(?:shot|executed)"
    # how prisoners and detainees are held and shown
    r"|(?:hands|eyes|wrists) (?:were )?(?:bound|tied)|blindfolded|bruised|(?:agreed|forced|made) to be filmed"
    r"|(?:well|badly|ill|humanely|inhumanely) treated|treated (?:humanely|inhumanely|cruelly|badly|well|with dignity)"
    r"|captors?|(?:trying|attempting|wanting|tried|attempted|wanted) to surrender|civilian harm|disproportionate (?:attacks?"
    r"|force|harm)|excessive in relation to|proportionality"
    r"|(?:made|forced|making|forcing) (?:them|us|him|her|the (?:prisoners|captives|men|soldiers|detainees)) (?:to )?(?:sing"
    r"|chant|kneel|dance|beg|confess|apologi[sz]e|denounce|praise|crawl|strip)"
    r"|(?:aid|humanitarian|relief|food|fuel|medical|medicine) (?:convoys?|trucks|deliveries|supplies|workers)? ?(?:\w+ ){0,3}"
    r"(?:turned back|blocked"
    r"|stopped|denied|refused|looted|attacked|delayed|held up|obstructed)"
    r"|(?:ICRC|Red Cross|humanitarian organi[sz]ations|monitors|observers|inspectors)(?: [\w’'-]+){0,6} access"
    r"|(?:unhindered|unimpeded|humanitarian) access"
    r"|(?:hospitals?|patients|health workers|medical (?:staff|workers|personnel)|civilians|schools)(?:,? [\w,]+){0,4}"
    r" (?:must|should|can|may) (?:never|not) be (?:a )?(?:targets?|targeted|attacked)"
    r"|protect(?:ion of|ing)? civilians|(?:sheltering|housing) (?:\w+ ){0,2}civilians|used as (?:a )?shelter"
    r"|starvation (?:\w+ ){0,6}(?:method|weapon) of (?:war|warfare)"
    r"|(?:humanitarian |aid )?access (?:\w+ ){0,5}(?:denied|blocked|refused|restricted|obstructed)"
    r"|(?:denied|blocked|refused|obstructed|denying|blocking|obstructing) (?:\w+ ){0,3}(?:humanitarian )?access"
    r"|(?:blocked|prevented|stopped|blocking|preventing|stopping) (?:\w+ ){0,4}(?:aid|food|flour|convoys?|trucks|medicines?"
    r"|supplies|deliveries)"
    r"|parad(?:ed|ing) (?:[\w’'-]+ ){0,5}(?:captured|captives?|prisoners?|POWs?|in front of|before|through|like)"
    r"|(?:execut(?:ed|ing)|shot|shooting|killed|killing|murder(?:ed|ing)) (?:[\w-]+ ){0,3}(?:captured|captive|surrendered|unarmed"
    r"|wounded|detained) (?:[\w-]+ ){0,2}(?:soldiers?|troops|servicem[ae]n|guards|sailors|pilots?|men|fighters|prisoners"
    r"|combatants|crew)"
    r"|treatment of (?:\w+ ){0,2}(?:prisoners|detainees|captives|POWs)"
    r"|access to (?:[\w“”\"]+ ){0,4}(?:detainees|prisoners|captives|persons detained|POWs)"
    r"|held (?:incommunicado|without (?:charge|trial|access))"
    r"|(?:beat|beaten|beating|beat up) (?:\w+ ){0,2}(?:protesters|detainees|prisoners|civilians|demonstrators|captives"
    r"|us|them|him|me)"
    r"|atrocit(?:y|ies)|grave breaches|serious violations|violations? of (?:international|humanitarian|the laws)"
    r"|hors de combat|military (?:objectives?|necessity)|explosive weapons|summary executions?|extrajudicial (?:killings?"
    r"|executions?)|electric shocks?|waterboard\w*|mock executions?|sleep deprivation|stress positions|in captivity"
    r"|(?:civilians|residents|people|families) (?:are |were |being |have been )*(?:prevented|stopped|barred) from"
    r" (?:leaving|fleeing)|humanitarian (?:relief|corridors?)"
    r"|(?:ICRC|Red Cross)(?: [\w’'-]+){0,12} (?:visit(?:ed|s)?|access|register(?:ed)?)"
    r"|convoys? (?:[\w,]+ ){0,10}(?:turned back|blocked|stopped|denied|refused|looted|attacked)"
    r"|hostages?|hostage-taking|(?:abducted|kidnapped|abductions?|kidnappings?)|wrongfully detained"
    r"|arbitrar(?:y|ily) (?:detention|detained|arrests?)|(?:died|deaths?) in (?:custody|detention|captivity)"
    r"|held (?:\w+ ){0,3}(?:incommunicado|without (?:charge|trial|access))|simulated drowning|burned with cigarettes"
    r"|hung by (?:the|their|his|her|our) (?:wrists|arms|feet|ankles)|chained|shackled|hooded|hoods over"
    r"|released in (?:an? )?(?:prisoner )?exchange|exchanges? (?:\w+ ){0,3}(?:brought home|returned)"
    r"|(?:protesters|detainees|prisoners|demonstrators|captives)(?: \w+){0,3} (?:beaten|tortured|abused|mistreated)"
    r"|(?:shot|killed|executed|gunned down) (?:everyone|anyone|all of them|those who)"
    r"|(?:strikes?|attacks?|fire) (?:on|at|against|directed at|directed against) (?:a |the )?civilians?"
    r"|starv(?:ing|ation of) civilians|starvation as a (?:method|weapon) of (?:war|warfare)"
    r"|(?:civilians?|hostages?) (?:held |taken )?as hostages?|hostage-taking|took (?:\w+ ){0,3}hostages?"
    r"|enforced disappearances?|(?:taped|tied|bound|zip-tied) (?:our|their|his|her|the prisoners’?|the men’s) hands"
    r"|paraded (?:us|them|him|her|through|the (?:prisoners|captives|soldiers|men))|filmed (?:us|them|the prisoners"
    r"|captives)|(?:were|was|being|been) beaten|beatings|prisoner (?:exchanges?|swaps?)|handed back"
    r"|(?:shelling|bombing|bombardment|siege) of [A-Z][\w-]+|civilians? (?:came|come|comes|coming) under (?:fire|attack)"
    r"|(?:made|forced|coerced|compelled) to (?:record|read|state|say|confess|give|tell|make|repeat|denounce|praise|film"
    r"|run|crawl|stand|strip|beg|sing|dance|shout"
    r"|sign|kneel)"
    r"|confessions? (?:\w+ ){0,3}(?:on camera|at gunpoint|under (?:duress|threat))|scripted statements?|at gunpoint"
    r"|Central Tracing Agency"
    r"|(?:setting|set) (?:\w+ ){0,2}(?:homes|houses|villages?) (?:ablaze|on fire)|(?:burned|torched|set fire to)"
    r" (?:\w+ ){0,2}(?:homes|houses|villages?)|house to house|dragg(?:ed|ing) (?:\w+ ){0,2}(?:families|civilians"
    r"|residents|villagers|men|women|children)"
    r"|(?:fired|firing|shot|used) (?:[\w-]+ ){0,4}(?:at|on|into) (?:\w+ ){0,3}(?:crowds?|demonstrators|protesters|civilians)"
    r"|live ammunition|(?:massacre|massacred|massacring|gunned down|opened fire on) (?:[\w,]+ ){0,3}(?:civilians|villagers"
    r"|women|children|people|families|crowds?)|civilian objects)\b",
    re.IGNORECASE,
)


# Attacks on what the conventions protect: markets, hospitals, homes, shelters. Tried only in sentences
# that name such a place, which keeps the detector fast.
_CIVILIAN_OBJECT = re.compile(rf"(?=\w)\b(?:{CIVILIAN_OBJECTS})\b", re.IGNORECASE)
_ATTACK_ON_OBJECT = re.compile(
    rf"(?=\w)\b(?:(?:missiles?|rockets?|shells?|strikes?|airstrikes?|bombs?|drones?|artillery(?: fire)?|shelling|gunfire|attacks?"
    rf"|warplanes|jets|aircraft|helicopters|gunships|shellfire)"
    rf" (?:\w+ ){{0,2}}(?:hit|hits|struck|strikes|slammed into|landed on|destroyed|damaged|tore through|targeted)"
    rf" (?:[\w’'-]+ ){{0,3}}(?:{CIVILIAN_OBJECTS})"
    rf"|(?:shelling|bombing|bombardment|strikes?|airstrikes?|attacks?|assaults?|raids?) (?:of|on|against|targeting)"
    rf" (?:[\w’'-]+ ){{0,3}}(?:{CIVILIAN_OBJECTS})"
    rf"|(?:{CIVILIAN_OBJECTS})(?: [\w,’'-]+){{0,8}} (?:was|were|has been|have been|had been) (?:also |repeatedly |deliberately )?"
    r"(?:hit|shelled|bombed|struck|targeted|destroyed|attacked|burned|burnt|razed|damaged|looted|knocked out)"
    rf"|(?:{CIVILIAN_OBJECTS}) (?:strikes?|airstrikes?|attacks?|shelling|bombings?|massacres?)"
    rf"|fired (?:[\w-]+ ){{0,4}}(?:shells|rockets|missiles|rounds) (?:at|on|into) (?:[\w’'-]+ ){{0,3}}(?:{CIVILIAN_OBJECTS})"
    rf"|(?:{CIVILIAN_OBJECTS})(?: [\w’'-]+){{0,3}} (?:treated|used) as (?:a )?(?:military )?targets?"
    rf"|(?:shell(?:ed|ing)?|bomb(?:ed|ing)?|burn(?:ed|t|ing)?|attack(?:ed|ing)?|hit|struck|target(?:ed|ing)?"
    rf"|destroy(?:ed|ing)?)(?: down)? (?:the |a |an |two |several |their )?(?:[\w’'-]+ ){{0,2}}(?:{CIVILIAN_OBJECTS})"
    rf"|(?:{CIVILIAN_OBJECTS})(?: [\w,’'-]+){{0,4}} (?:hit|struck|shelled|bombed|destroyed|damaged) by"
    rf"|(?:plac(?:ing|ed|es?)|position(?:ing|ed|s)?|station(?:ing|ed|s)?|hid(?:ing|es?)?|us(?:ing|ed|es?)|deploy(?:ing|ed|s)?)"
    rf" (?:[\w,’'-]+ ){{0,6}}(?:in|inside|near|among|next to|beside|close to|alongside) (?:[\w,’'-]+ ){{0,3}}"
    rf"(?:{CIVILIAN_OBJECTS}|civilians|residents|the (?:civilian )?population)"
    rf"|damage to (?:the )?(?:[\w’'-]+ ){{0,2}}(?:{CIVILIAN_OBJECTS})"
    rf"|(?:{CIVILIAN_OBJECTS})(?: [\w,’'-]+){{0,6}} (?:came|comes|coming|come) under (?:fire|attack|shelling)"
    r")\b",
    re.IGNORECASE,
)


_GENEVA_AT_WORDS = AnchoredPattern(_GENEVA)
_CIVILIAN_OBJECT_AT_WORDS = AnchoredPattern(_CIVILIAN_OBJECT)
_ATTACK_AT_WORDS = AnchoredPattern(_ATTACK_ON_OBJECT)


def _geneva(text: str, start: int, end: int, words: Words) -> list[Candidate]:
    found = [_candidate(text, m.start(), m.end(), GENEVA) for m in _GENEVA_AT_WORDS.finditer(text, start, end, words)]
    if _CIVILIAN_OBJECT_AT_WORDS.may_match(words):
        attacks = _ATTACK_AT_WORDS.finditer(text, start, end, words)
        found += [_candidate(text, m.start(), m.end(), GENEVA) for m in attacks]
    return found


# --- attribution ---------------------------------------------------------------------------------------

_NAME = (
    r"(?:[A-Z][\w’'.&-]*|of|the|and|de|al|von|van|der|for|on|-|/|agency|ministry|office|police|army|military"
    r"|government|council|committee|news|media|spokes(?:man|woman|person)|officials?|sources?|service|department"
    r"|forces|refugee|health|defen[cs]e|foreign|interior|press|mission|commission|correspondent|reporter"
    r"|newspaper|channel|radio|website|statement|governor|mayor|president|minister|authorities)(?![\w’'])"
)
_SOURCE = rf"(?:(?:the|a|an|his|her|their|its|local|state|official|unnamed|anonymous|several|other) )?{_NAME}(?:[ -]{_NAME}){{0,7}}"
_LOWER_SOURCE = r"(?:(?:the |a |an |his |her |their |its |[\w-]+ ){0,3}(?:sources?|reports?|officials?|witnesses|" \
    r"footage|translation[\w ]{0,40}|estimates?|data|figures|media|a statement|authorities|police|the military|" \
    r"the ministry|intelligence|residents|locals|activists|documents?|analysts|experts|observers|monitors|" \
    r"logs?|tally|database|regist(?:ry|er)|" \
    r"aid workers?|workers?|doctors?|administrators?|spokes(?:man|woman|person)|witness|survivors?|medics?|" \
    r"volunteers?|journalists?|reporters?|correspondents?|groups?|organi[sz]ations?|channels?|accounts?|users?|" \
    r"posts?|records|statements?|researchers?|investigators?)(?: [A-Z][\w’'.-]+){0,3})"  # fmt: skip
# Verbs that report speech. Forms that are more often nouns or adjectives ("claims", "reports", "noted")
# are left out; "according to reports" has its own pattern.
SPEECH_VERBS = (
    r"said|says|saying|told|tells|stated|added|asserted|asserts|claimed|claiming|alleged|alleging|warned|warns|"
    r"explained|explains|acknowledged|assured|insisted|confirmed|denied|wrote|tweeted|reported|announced|"
    r"declared|revealed|cautioned|admitted|recalled|argued|stressed|emphasi[sz]ed|urged|urging|appealed|"
    r"conceded|recogni[sz]ed|talked about|spoke about|say|report|documented|attributed|estimated|admit|admits|"
    r"admitted|indicate|indicates|indicated|warn|allege|alleges|blamed|received reports|acknowledges|verified|has verified|have verified|"
    r"recorded|counted|has counted|accused|believe|believes|estimate|estimates|reports|claims|notes|writes|"
    r"testified|recounted|claim|denies|deny|posted(?= (?:on|to|that|a|an|in|online)\b|:)|insists|maintains|maintained|contends|contended|"
    r"boasted|bragged|branded|described|emphasises|emphasizes|stresses|considers|consider|quoted as saying|caution|"
    r"puts(?= (?:the |its |their )?(?:[\w-]+ )?(?:death toll|toll|figures?|number|total|count|losses)\b)|"
    r"(?:given|gave|released|published|issued|updated|filed|provided) (?:the |its |their |his |her |this |an? )?"
    r"(?:latest |new |updated |official |revised |first )?(?:figures|update|toll|numbers|tally|count)|"
    r"(?:issued|released|published) (?:a |an )?(?:statement|communiqu[eé]|press release)|draws? attention|"
    r"(?:dismiss(?:ed|es)?|reject(?:ed|s)?|disput(?:ed|es?)) (?:[\w’'-]+ ){0,2}(?:reports?|claims?|allegations?|accusations?|figures?"
    r"|statements?|accounts?)|"
    r"tell of|told of|described how|have described|has described|(?:is|are|was|were) said to|"
    r"called on|called for|called out|went on to (?:say|apologi[sz]e|add|claim|describe)|according to"
)
# The phrases that put a source after them: "according to X", "as per X", "citing X".
ACCORDING_LEADS = "according to|as per|citing|quoting|as reported by|reported by"
_ACCORDING = re.compile(
    rf"(?=\w)\b(?i:{ACCORDING_LEADS}) "
    rf"(?P<source>{_SOURCE}|{_LOWER_SOURCE}|(?:[\w’'-]+ ){{0,4}}[\w’'-]+)"
    rf"(?P<via>(?:,? (?:via|through|and|citing|quoting) (?:{_SOURCE}))*)",
)
_SPEECH = re.compile(rf"(?=\w)\b(?:(?:has|have|had|also|then|later|previously|would|once again) )*(?:{SPEECH_VERBS})\b")
_PLURAL_BEFORE = re.compile(
    r"(?:\b(?!(?:this|was|has|is|us|its|his|hers|yes)\s)[a-z]{3,}s|\b[A-Z][\w-]*[a-z][\w-]*|[A-Z]{2,}\)?"
    r"|\b(?:police|military|army|government|staff|media|people|public|navy|ministry|committee|they|we))\s+$"
)
# Third-person forms that are as often plural nouns: a reporting verb only after a subject that can speak.
_S_FORMS = {
    "estimates", "reports", "claims", "notes", "writes", "described", "consider", "considers", "maintains", "states",
    "denies", "deny",
}  # fmt: skip
_SUBJECT_BEFORE = re.compile(
    r"(?:\b(?!(?:The|This|That|These|Those|Their|Its|His|Her|Such|Some|Many|Media|News|Press|Local|Other)\s)"
    r"[A-Z][\w’'-]*[a-z][\w’'-]*|\b[A-Z]{2,}\)?|\b(?:ministry|government|army|military|agency|office|police|group"
    r"|organi[sz]ation|committee|mission|spokes(?:man|woman|person)|official|study|survey|tally|monitor|observatory"
    r"|channel|account|he|she|it|who|which|coroner|governor|mayor|author|writer|reporter|correspondent|report|article"
    r"|convention|protocol|treaty|law|rule|statement|document))\s+$"
)
_NOUN_USE = re.compile(
    r"\b(?:a|an|the|this|that|their|his|her|its|our|any|no|latest|new|official|final|initial|early|rough|some)\s+"
    r"(?:estimate|estimated|say|believe|recorded|counted|verified)$",
    re.IGNORECASE,
)
_SHOWN = re.compile(
    r"(?=\w)\b(?:[Ff]ootage|[Vv]ideos?|[Ii]mages|[Ii]magery|[Pp]hotos|[Pp]hotographs|[Pp]ictures|[Dd]ocuments|[Rr]ecordings?|[Rr]ecords"
    r"|[Dd]ata|[Ss]tatistics|[Ff]igures|[Ss]tudy|[Rr]eport|[Aa]nalysis|[Ii]nvestigation|[Ss]urvey|[Ii]nquiry)"
    r"(?: [\w’'-]+){0,6} (?:showed|shows|show|appeared to show|appear to show|appears to show|found|concluded)\b"
)
_PROVENANCE_OF = re.compile(
    r"(?=\w)\b(?:[Ss]atellite )?(?:[Ii]magery|[Ff]ootage|[Ii]mages|[Pp]hotos|[Vv]ideos?|[Dd]ata|[Rr]ecords)"
    r" (?:from|by|provided by|obtained by|released by|published by|verified by|posted by|shared by)"
    r" (?P<source>(?:the |a )?[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,4})"
)
_IN_A_POST = re.compile(
    r"(?=\w)\b(?i:in|on) an? (?:post|statement|tweet|video|message|interview|briefing|press release|Telegram post)"
    r"(?: (?:on|to) [A-Z][\w-]*(?: [A-Z][\w-]*)?)?"
)
_ANONYMOUS = re.compile(
    r"(?=\w)\b(?:(?:speaking |who spoke )?on condition of anonymity|speaking anonymously|(?:who )?asked not to be named"
    r"|declined to be named|sources? familiar with|spokes(?:man|woman|person) for (?:the )?[\w-]+(?: [A-Z][\w-]+){0,5}"
    r"|(?:provided|distributed|supplied|released|published|obtained|verified|shared|posted|identified|collected|compiled"
    r"|gathered|documented|cited|quoted) by (?:the )?"
    r"(?:news agency |agency |state news agency |[a-z]+ )?[A-Z@][\w’'@-]+(?: [A-Z][\w’'-]+){0,4}"
    r"|(?:provided|distributed|supplied|released|published|obtained|verified|identified|confirmed|reported|compiled"
    r"|collected|recorded) by (?:the |a |local |several )?(?:(?:county|local|regional|state|city|district|military"
    r"|health|interior|defen[cs]e) )?(?:coroner|medical examiner|police|authorities|officials?|ministry|military|army"
    r"|government|prosecutors?|investigators?|rescuers|hospital staff|doctors|witnesses|residents|monitors|observers)"
    r"|(?i:via) (?:the )?(?:state |official )?(?:news agency|agency|[A-Z][\w-]+(?: [A-Z][\w-]+){0,3})"
    r"|(?i:by (?:our|their|its|his|her) (?:own )?(?:estimates?|counts?|tally|calculations?|figures)))"
)
_COMES_FROM = re.compile(
    r"(?=\w)\b(?:comes|came|come|originated|originates) from (?:the )?[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,4}"
)
# A photo credit in brackets: "[Omar Ziad/Al Jazeera]".
_BRACKET_CREDIT = re.compile(r"\[(?P<source>[A-Z][^\[\]/]{1,40}/[A-Z][^\[\]]{1,40})\]")
_SOURCE_INLINE = re.compile(
    # "Format: Report · Source: OCHA · Posted 22 May": a source field inside a metadata line
    r"(?<!\w)(?:Source|Sources|Credit|Courtesy|Via)\s?:\s?(?P<source>[A-Z@][\w’'.&@/-]*(?:[ \u00a0][A-Z(][\w’'.&/)-]*){0,5})"
)
_DATELINE = re.compile(r"\((?:AP|AFP|Reuters|dpa|UPI|EFE|ANSA|Xinhua|TASS|PA|[A-Z]{2,5})\)\s*[—–-]")
# A news agency's slug in a dateline: "MOSCOW, 18 April. /TASS/."
_AGENCY_SLUG = re.compile(r"(?<![\w/])/[A-Z][A-Za-z-]{1,9}/(?=[\s.,:]|$)")
_UNVERIFIED = re.compile(
    r"(?=\w)\b(?:could not|cannot|can't|couldn't|was unable to|were unable to|(?:has|have|had) not been able to)"
    r" (?:be )?(?:independently )?(?:verif(?:y|ied)|confirm(?:ed)?)\b",
    re.IGNORECASE,
)
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:(?:now|also|not|still|yet|\w+ly)\s+)?$")
_NAME_BEFORE = re.compile(r"\b[A-Z][\w’'-]+\s+$")
_CLAUSE_BREAK = re.compile(r"[.;:!?\"“”‘]|’(?!s\b)|\b(?:and|but|while|as|after|before|because|that|which|when)\b")
_INVERTED_SUBJECT = re.compile(
    rf"^[ \u00a0](?P<source>(?:another|one|the|a|an|his|her)(?: [\w-]+){{0,4}}?|{_SOURCE})(?=[.,;!?]|$)"
)
_PROVENANCE = re.compile(
    rf"(?=\w)\b(?P<source>{_SOURCE}),?(?: [\w-]+){{0,6}}? (?:has |have |had |also )*(?:uploaded|published|released|broadcast"
    r"|aired|posted|shared|collected|obtained|filmed|recorded)(?: \w+){0,3} (?:videos?|footage|testimon\w+|interviews?"
    r"|statements?|recordings?|images|photos|pictures|clips?)\b",
)
_CONFERENCE = re.compile(
    rf"(?=\w)\b(?:(?i:during|at|in|told|gave|held|addressing|before|from|with) (?:an? |the )?(?:[\w’'-]+ ){{0,3}}"
    rf"(?:(?:news|press|media) )?(?:conference|briefing)(?: (?:with|by|of|held by|at|organi[sz]ed by) (?P<source>{_SOURCE}))?"
    rf"|journalists (?:from|of) (?P<source2>{_SOURCE})"
    rf"|(?:spoke|speaking|talked|talking|appeared|told) (?:\w+ ){{0,3}}(?:before|to|with) [‘'“\"]?(?P<source3>{_SOURCE}))",
)
_CREDIT_INLINE = re.compile(
    r"\((?:Photo|Image|Picture|Video|Footage)s?(?: by| credit)?\s*[:\-–]?\s*(?P<source>[^()]{2,80})\)", re.IGNORECASE
)
_SOURCE_LINE = re.compile(
    r"^(?:Source|Sources|Via|Credit|Credits|Courtesy|Reporting by|Written by):\s*(?P<source>.{2,80})$"
)
# A transcript's speaker: "BRIG GEN OKRENT: We destroyed ..." at the start of a paragraph.
_SPEAKER_TAG = re.compile(r"(?P<name>(?:[A-Z][A-Z.’'-]+ ){0,3}[A-Z][A-Z.’'-]{2,}):(?=\s)")
_NOT_SPEAKER_TAGS = {
    "UPDATE", "BREAKING", "WATCH", "READ MORE", "EDITOR'S NOTE", "EDITOR’S NOTE", "NOTE", "CORRECTION", "PHOTO",
    "VIDEO", "LIVE", "ANALYSIS", "OPINION", "EXCLUSIVE", "SOURCE", "RELATED", "LISTEN", "UPDATED", "WARNING",
}  # fmt: skip
# A roundup's header for each post: "“Front Line” (412,000 subscribers), 07:12", "Ministry X (official channel)".
_CHANNEL_LINE = re.compile(
    r"^(?P<source>[^.!?()]{2,80}?)\s*\((?:[^()]{0,30}?[\d,.]+[kKmM]? (?:subscribers|followers|members)|official (?:channel"
    r"|account|page)|[^()]{0,20}channel[^()]{0,30})\)(?:,?\s*\d{1,2}[:.]\d\d)?$"
)
_CREDIT = re.compile(
    r"^\(?\s*(?:(?:Photo|Image|Picture|Video|Footage|Credit|Photograph)s?(?: by| credit)?\s*[:\-–]+\s*|(?:Image|Photo) by\s*[-–:]?\s*)"
    r"(?P<source>.{2,100}?)\s*\)?$",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(
    r"^(?P<source>[^.!?]{2,80}?(?: via [^.!?]{2,40}| / [^.!?]{2,40}|/[A-Z][^.!?]{1,40}))\s*\)$|"
    r"^\(?(?P<source2>[^.!?]{2,60}(?:Getty Images|Reuters|AFP|AP Photo|EPA|Shutterstock|Pexels|Unsplash"
    r"|Wikimedia Commons|PA Images?|Alamy))\s*\)?$|"
    r"^(?P<source3>[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){0,3} ?/ ?[A-Z][\w&.’' -]{1,40})$",
    re.IGNORECASE,
)
_AGGREGATOR = re.compile(
    r"(?=\w)\b(?:(?:is|are) an? (?:[\w-]+ )?(?:aggregator|news aggregator)\b|aggregat(?:ed|es|ing) (?:from|content|posts|news"
    r"|stories|articles)"
    r"|(?:primary|original) source\b|published from an? (?:[\w-]+ ){0,2}feed|without modifications to the text"
    r"|(?:originally|first) (?:published|appeared) (?:on|in|by)|republished (?:from|with)"
    r"|syndicated (?:from|by)|this (?:article|story) (?:was|is) (?:produced|published|republished))",
    re.IGNORECASE,
)
# Each costly pattern with a cheap one for the words it cannot match without.
# Each costly pattern with the words it cannot match without: most sentences have none of them.
_GATED = [
    (
        _CONFERENCE,
        {"conference", "briefing", "journalists", "spoke", "speaking", "talked", "talking", "appeared", "told"},
    ),
    (_CREDIT_INLINE, {"photo", "photos", "image", "images", "picture", "pictures", "video", "videos", "footage"}),
    (_SHOWN, {"show", "showed", "shows", "found", "concluded"}),
    (_PROVENANCE_OF, {"from", "by"}),
    (_IN_A_POST, {"post", "statement", "tweet", "video", "message", "interview", "briefing", "release"}),
    (_UNVERIFIED, {"verify", "verified", "confirm", "confirmed"}),
    (
        _ANONYMOUS,
        {"anonymity", "anonymously", "named", "familiar", "spokesman", "spokeswoman", "spokesperson", "by", "via"},
    ),
    (_SOURCE_INLINE, {"source", "sources", "credit", "courtesy", "via"}),
    (_COMES_FROM, {"comes", "came", "come", "originated", "originates"}),
    (_DATELINE, {"ap", "afp", "reuters", "dpa", "upi", "efe", "ansa", "xinhua", "tass", "pa"}),
    (
        _PROVENANCE,
        {
            "uploaded",
            "published",
            "released",
            "broadcast",
            "aired",
            "posted",
            "shared",
            "collected",
            "obtained",
            "filmed",
            "recorded",
        },  # fmt: skip
    ),
]
_AGGREGATOR_AT_WORDS = AnchoredPattern(_AGGREGATOR)
_ACCORDING_AT_WORDS = AnchoredPattern(_ACCORDING)
_SPEECH_AT_WORDS = AnchoredPattern(_SPEECH)
_QUOTE_MARKS = "\"“”‘’'"


def _attributions(text: str, start: int, end: int, paragraph: tuple[int, int], words: Words) -> list[Candidate]:
    found: list[Candidate] = []
    sentence = text[start:end]
    credits = (_SOURCE_LINE, _CREDIT, _CREDIT_TAIL, _CHANNEL_LINE) if (start, end) == paragraph else (_CREDIT,)
    for pattern in credits:
        match = pattern.match(sentence)
        if match:
            groups = match.groupdict()
            source = groups.get("source") or groups.get("source2") or groups.get("source3") or ""
            return [_candidate(text, start, end, ATTRIBUTION, source=source.strip(" ()"))]
    if start == paragraph[0] and text[:start].strip():  # not the headline: "SHOCKING MOMENT: ..." is a kicker
        tag = _SPEAKER_TAG.match(text, start, end)
        if tag and tag.group("name") not in _NOT_SPEAKER_TAGS:
            found.append(_candidate(text, tag.start(), tag.end(), ATTRIBUTION, source=tag.group("name").title()))
    for match in _ACCORDING_AT_WORDS.finditer(text, start, end, words):
        source = (match.group("source") + (match.group("via") or "")).strip(" .")
        found.append(_candidate(text, match.start(), match.end(), ATTRIBUTION, source=source))
    for match in _SPEECH_AT_WORDS.finditer(text, start, end, words):
        if match.group().endswith("according to") or (
            _PASSIVE.search(text, max(start, match.start() - 12), match.start())
            and not match.group().endswith("quoted as saying")
        ):
            continue
        if match.group() in (
            "say",
            "report",
            "warn",
            "indicate",
            "admit",
            "caution",
            "claim",
        ) and not _PLURAL_BEFORE.search(text, max(start, match.start() - 30), match.start()):
            continue  # "officials say" reports; "I would like to say" and "if they say" are inside a quote
        before = max(start, match.start() - 30)
        if (
            match.group() in _S_FORMS
            and not _SUBJECT_BEFORE.search(text, before, match.start())
            and not _PLURAL_BEFORE.search(text, before, match.start())
        ):
            continue  # "the ministry claims" reports; "these claims", "media reports" are nouns
        if _NOUN_USE.search(text, max(start, match.start() - 12), match.end()):
            continue  # "an estimate", "the say": a noun here, not a reporting verb
        if match.group().endswith("ing") and not _NAME_BEFORE.search(
            text, max(start, match.start() - 40), match.start()
        ):
            continue  # "..., claiming they were" continues a clause; "Zelensky claiming" names a speaker
        found.append(_speaker(text, start, end, match))
    vocabulary = words.tokens
    for pattern, needed in _GATED:
        if vocabulary.isdisjoint(needed):
            continue
        for match in pattern.finditer(text, start, end):
            groups = match.groupdict()
            source = groups.get("source") or groups.get("source2") or groups.get("source3") or ""
            found.append(_candidate(text, match.start(), match.end(), ATTRIBUTION, source=source))
    if "/" in sentence:
        found += [
            _candidate(text, m.start(), m.end(), ATTRIBUTION, source=m.group("source"))
            for m in _BRACKET_CREDIT.finditer(text, start, end)
        ]
        found += [
            _candidate(text, m.start(), m.end(), ATTRIBUTION, source=m.group().strip("/"))
            for m in _AGENCY_SLUG.finditer(text, start, end)
        ]
    if next(_AGGREGATOR_AT_WORDS.finditer(text, start, end, words), None):
        found.append(_candidate(text, start, end, ATTRIBUTION, source=""))
    return found


def _speaker(text: str, start: int, end: int, verb: re.Match) -> Candidate:
    """A reporting verb with its speaker: "Rudenko said", "the soldier X, 21, explains", "said another man"."""
    before = text[max(start, verb.start() - 90) : verb.start()]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    subject = before[breaks[-1].end() :] if breaks else before
    subject = _subject_after_commas(subject)
    words = subject.split()
    if words and not re.fullmatch(r"[,\s]*", subject):
        # Keep at most the last eight words of the subject: the speaker, not the whole clause.
        kept = " ".join(words[-8:])
        offset = verb.start() - len(subject) + subject.rfind(kept)
        source = kept.strip(" ,")
        return _candidate(text, offset, verb.end(), ATTRIBUTION, source=_speaker_name(source))
    inverted = _INVERTED_SUBJECT.match(text, verb.end(), end)
    if inverted:
        return _candidate(text, verb.start(), inverted.end(), ATTRIBUTION, source=inverted.group("source"))
    return _candidate(text, verb.start(), verb.end(), ATTRIBUTION)


def _subject_after_commas(subject: str) -> str:
    """ "in the strike, local officials" -> " local officials"; "Galkin Alekseevich, 34," stays whole,
    as does a name followed by its apposition ("Andrew Stroehlein, a campaigner,")."""
    parts = subject.split(",")
    if len(parts) < 2 or not parts[-1].strip():
        return subject
    tail, previous = parts[-1], parts[-2].strip()
    if re.fullmatch(r"\s*(?:aged )?\d+\s*", tail):
        return subject
    if re.match(r"\s*(?:a|an|the) ", tail) and re.fullmatch(r"(?:[A-Z][\w’'.-]*\s*){1,5}", previous):
        return subject
    return tail


def _speaker_name(subject: str) -> str:
    """The name in a subject: "Igor Rudenko, signal officer of the 126th brigade" -> "Igor Rudenko"."""
    return subject.split(",")[0].strip(" .")


# Capitalised words that start sentences but name no one.
_NOT_SPEAKERS = {
    "The", "This", "That", "These", "Those", "It", "There", "Here", "But", "And", "Or", "So", "Then", "When",
    "While", "If", "As", "After", "Before", "In", "On", "At", "For", "With", "Without", "Meanwhile", "However",
    "Also", "Although", "Because", "Since", "Until", "Yes", "No", "Why", "What", "How", "Who", "Where",
}  # fmt: skip


# --- putting it together ---------------------------------------------------------------------------------


# A span never ends on a word that joins it to what it left out.
_DANGLING = re.compile(r"[\s,]+(?:and|or|the|a|an|of|for|on|in|to|with|by|from|at|as|via)$", re.IGNORECASE)


def _candidate(text: str, start: int, end: int, category: str, *, figure=None, source: str = "") -> Candidate:
    start, end = _without_dangling(text, *_trim(text, start, end))
    if source:
        source = source[slice(*_without_dangling(source, *_trim(source, 0, len(source))))]
    return Candidate(start=start, end=end, category=category, quote=text[start:end], figure=figure, source=source)


def _without_dangling(text: str, start: int, end: int) -> tuple[int, int]:
    """ "according to sources, and the" ends at "sources"."""
    while True:
        while end > start and text[end - 1] in ",;:.":
            end -= 1
        dangling = _DANGLING.search(text, max(start, end - 24), end)
        if dangling is None or dangling.start() == start:
            return start, end
        start, end = _trim(text, start, dangling.start())


def detect(text: str) -> list[Candidate]:
    """Candidate claims in the text, ordered by position; overlapping finds of one category are merged."""
    found: list[Candidate] = []
    for par_start, par_end, boilerplate in paragraphs(text):
        if boilerplate:
            continue
        for start, end in sentences(text, par_start, par_end):
            words = words_in(text, start, end)
            local = _casualties(text, start, end, words) + _geneva(text, start, end, words)
            local += _attributions(text, start, end, (par_start, par_end), words)
            found.extend(
                Candidate(c.start, c.end, c.category, c.quote, c.figure, c.source, (start, end)) for c in local
            )
    return _merge(text, found)


def _joined_sources(first: Candidate, then: Candidate) -> str:
    """ "according to footage" and "footage released by X" overlap: the footage cites X."""
    if not first.source or not then.source or then.source in first.source or then.end <= first.end:
        return first.source or then.source
    return f"{first.source} citing {then.source}"


def _merge(text: str, found: list[Candidate]) -> list[Candidate]:
    """One candidate per overlapping run of the same category, keeping the first figure and source."""
    merged: list[Candidate] = []
    for candidate in sorted(found, key=lambda c: (c.category, c.start, -c.end)):
        last = merged[-1] if merged else None
        if last and last.category == candidate.category and candidate.start < last.end:
            end = max(last.end, candidate.end)
            merged[-1] = replace(
                last,
                end=end,
                quote=text[last.start : end],
                figure=last.figure or candidate.figure,
                source=_joined_sources(last, candidate),
            )
            continue
        merged.append(candidate)
    return sorted(merged, key=lambda c: (c.start, c.end, c.category))
