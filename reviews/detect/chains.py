"""Attribution chains: the hops from an article back towards where a claim comes from.

"as per Newsweek via MSN" gives article <- MSN <- Newsweek; an aggregator notice gives article <-
aggregator <- primary source; a speaker at a press conference gives article <- conference <- person.
Everything here reads general news language (reporting verbs, "via", "citing", credit lines, titles,
media words); nothing is keyed to particular articles. Pure text in, plain data out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reviews.detect.detector import ACCORDING_LEADS, ATTRIBUTION, Candidate, detect

OUTLET = "outlet"
AGENCY = "agency"
AGGREGATOR = "aggregator"
PERSON = "person"
PHOTO = "photo"
SOCIAL = "social"
CONFERENCE = "conference"
UNNAMED = "unnamed"
KINDS = (OUTLET, AGENCY, AGGREGATOR, PERSON, PHOTO, SOCIAL, CONFERENCE, UNNAMED)
PRIMARY_SOURCE = "primary source"  # the unnamed origin an aggregator notice points to

# Names that say where without saying who: scoped to their citer when chains are merged into a graph.
GENERIC_KEYS = frozenset({"press conference", "press briefing", "social media", PRIMARY_SOURCE, "aggregator"})


@dataclass(frozen=True)
class Hop:
    name: str
    kind: str

    @property
    def key(self) -> str:
        """Normalised identity for merging: no leading "the", punctuation, case or generic tail ("news agency")."""
        key = re.sub(r"[’']s\b", "", self.name.lower())
        key = re.sub(r"[\W_]+", " ", key).strip()
        key = re.sub(r"^(?:the|a|an) ", "", key)
        if self.kind == CONFERENCE:
            return re.sub(r"\b(?:news|media) (conference|briefing)\b", r"press \1", key)
        return _GENERIC_TAIL.sub("", key) or key

    @property
    def generic(self) -> bool:
        """True when the hop names no one in particular ("sources", a bare "press conference")."""
        return self.kind == UNNAMED or self.key in GENERIC_KEYS

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind}

    @classmethod
    def from_dict(cls, data: dict) -> Hop:
        return cls(name=str(data["name"]), kind=str(data.get("kind") or UNNAMED))


@dataclass(frozen=True)
class Chain:
    start: int
    end: int
    quote: str
    hops: tuple[Hop, ...]  # nearest to the article first

    @property
    def origin(self) -> Hop:
        return self.hops[-1]

    def as_dicts(self) -> list[dict]:
        return [hop.as_dict() for hop in self.hops]


_GENERIC_TAIL = re.compile(
    r"(?: (?:news agency|press agency|news service|wire service|agency|newspaper|news website|news site|website"
    r"|news))+$"
)

# --- words ------------------------------------------------------------------------------------------------

_PRONOUNS = {
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "this", "that", "these", "those", "one",
    "another", "someone", "somebody", "others", "other", "some", "both", "all", "who", "which",
}  # fmt: skip
_DETERMINERS = (
    r"the|a|an|his|her|their|its|our|one|another|some|several|many|most|other|two|three|four|five|any|each"
    r"|this|that|these|those|local|unnamed|anonymous"
)
_PARTITIVE = re.compile(
    r"^(?:one|another|some|many|most|several|two|three|four|five|a few|each|both|all|none|any|either|neither|a group)"
    r" of (?:the|them|these|those|us|our|his|her|their)\b ?",
    re.IGNORECASE,
)
# People described, not named: the subjects of a story rather than its sources.
_DESCRIPTIVE = {
    "soldier", "soldiers", "troop", "troops", "trooper", "troopers", "serviceman", "servicemen", "fighter",
    "fighters", "man", "men", "woman", "women", "people", "person", "individual", "individuals", "boy", "boys",
    "girl", "girls", "child", "children", "kid", "kids", "mother", "father", "son", "daughter", "wife", "husband",
    "family", "families", "prisoner", "prisoners", "captive", "captives", "pow", "pows", "pilot", "pilots",
    "commander", "commanders", "officer", "officers", "recruit", "recruits", "conscript", "conscripts",
    "separatist", "separatists", "rebel", "rebels", "militant", "militants", "civilian", "civilians", "protester",
    "protesters", "demonstrator", "demonstrators", "refugee", "refugees", "victim", "victims", "survivor",
    "survivors", "student", "students", "friend", "friends", "colleague", "colleagues", "neighbour", "neighbor",
    "neighbours", "neighbors", "group", "crowd", "mob", "member", "members", "veteran", "veterans", "user", "users",
}  # fmt: skip
# Heads of unnamed sources: they say where a claim comes from without naming anyone.
_UNNAMED_HEADS = {
    "source", "sources", "report", "reports", "reporting", "official", "officials", "authorities", "witness",
    "witnesses", "footage", "video", "videos", "estimate", "estimates", "data", "figures", "statistics", "media",
    "statement", "statements", "document", "documents", "analyst", "analysts", "expert", "experts", "observer",
    "observers", "monitor", "monitors", "residents", "locals", "activists", "intelligence", "accounts", "images",
    "photos", "rumours", "rumors", "translation", "insiders", "reporters", "journalists", "correspondents",
}  # fmt: skip
# Heads of roles and institutions that speak: a person hop even without a name.
_ROLE_HEADS = {
    "spokesman", "spokeswoman", "spokesperson", "minister", "ministry", "governor", "mayor", "president",
    "secretary", "ambassador", "director", "chief", "head", "adviser", "advisor", "prosecutor", "prosecutors",
    "lawmaker", "senator", "chairman", "chairwoman", "chair", "commissioner", "ombudsman", "government", "army",
    "military", "forces", "police", "office", "council", "committee", "department", "service", "kremlin",
    "pentagon", "parliament", "command", "staff", "administration", "brigade", "battalion", "regiment",
    "division", "unit", "host", "anchor", "editor", "columnist", "correspondent", "reporter", "campaigner",
    "leader", "premier", "chancellor", "general", "embassy", "mission", "commission", "court", "agency",
}  # fmt: skip
_TITLES = {
    "president", "prime", "minister", "foreign", "defence", "defense", "secretary", "governor", "mayor", "general",
    "gen", "colonel", "col", "lt", "lieutenant", "sgt", "sergeant", "captain", "capt", "major", "mr", "mrs", "ms",
    "dr", "prof", "professor", "senator", "sen", "rep", "representative", "chancellor", "king", "queen", "prince",
    "pope", "ambassador", "commander", "chief", "spokesman", "spokeswoman", "spokesperson", "soldier", "officer",
    "private", "deputy", "vice", "head", "leader", "sir", "lord", "dame", "judge", "justice", "the", "former",
}  # fmt: skip
_INSTITUTIONS = re.compile(
    r"\b(?:Kremlin|Pentagon|White House|Vatican|Congress|Senate|Parliament|Government|Ministry|Army|Navy|Police"
    r"|Council|Commission|Court|Embassy|Office|Department|Duma|Rada|Bundestag|Cabinet|Command|Forces)\b"
)
_BEFORE_NAME = (_ROLE_HEADS | _DESCRIPTIVE | _UNNAMED_HEADS | _TITLES) - {"the"}
_CONNECTORS = {"of", "the", "and", "de", "da", "del", "di", "du", "la", "le", "al", "el", "bin", "ibn", "von", "van",
               "der", "den", "for", "on", "-", "/", "&", "y"}  # fmt: skip
_ORG_WORDS = {"news", "agency", "media", "press", "newspaper", "channel", "radio", "website", "television", "tv",
              "network", "service", "group", "center", "centre"}  # fmt: skip
_FUNCTION_WORDS = {
    "In", "On", "At", "During", "After", "Before", "As", "When", "While", "Since", "But", "And", "Yet", "So", "Then",
    "Meanwhile", "However", "Also", "Earlier", "Later", "Last", "This", "That", "The", "A", "An", "Speaking", "Asked",
    "According", "For", "With", "From", "Although", "Though", "If", "Unlike", "Like",
}  # fmt: skip

_PLATFORMS = [
    (re.compile(r"\btweet(?:s|ed)?\b|\btwitter\b|\bx\.com\b", re.IGNORECASE), "Twitter"),
    (re.compile(r"\btelegram\b", re.IGNORECASE), "Telegram"),
    (re.compile(r"\byoutube\b", re.IGNORECASE), "YouTube"),
    (re.compile(r"\bfacebook\b", re.IGNORECASE), "Facebook"),
    (re.compile(r"\binstagram\b", re.IGNORECASE), "Instagram"),
    (re.compile(r"\btiktok\b", re.IGNORECASE), "TikTok"),
    (re.compile(r"\bvkontakte\b|\bvk\.com\b", re.IGNORECASE), "VKontakte"),
    (re.compile(r"\btruth social\b", re.IGNORECASE), "Truth Social"),
    (re.compile(r"\bsocial (?:media|networks?)\b", re.IGNORECASE), "social media"),
]
_AGGREGATOR_NAMES = re.compile(
    r"\b(?:msn|yahoo(?: news)?|google news|apple news|flipboard|smartnews|newsbreak|news break|microsoft start"
    r"|ground news|newsnow|feedly|inoreader|aol|news aggregator|aggregator)\b",
    re.IGNORECASE,
)
_WIRES = re.compile(
    r"\b(?:Reuters|Associated Press|AP|AFP|Agence France[- ]Presse|dpa|DPA|EFE|ANSA|Xinhua|TASS|RIA Novosti|UPI"
    r"|Ukrinform|UNIAN|Kyodo|Yonhap|Anadolu|Bernama|PTI|ANI|Press Association|PA Media)\b"
)
_AGENCY_WORDS = re.compile(r"\b(?:news|press|wire) agenc(?:y|ies)\b|\bnews service\b|\bwire(?: service)?\b|\bagency\b",
                           re.IGNORECASE)  # fmt: skip
_STATE_AGENCY = re.compile(
    r"\b(?:intelligence|security|energy|atomic|nuclear|space|environment(?:al)?|protection|health|refugee|border"
    r"|enforcement|drug|food|medicines|investigation|customs)\b[\w ]{0,20}agency\b",
    re.IGNORECASE,
)
_OUTLET_WORDS = re.compile(
    r"\b(?:Post|Times|News|Daily|Mail|Sun|Herald|Guardian|Telegraph|Journal|Tribune|Gazette|Observer|Express"
    r"|Mirror|Independent|Magazine|Weekly|Chronicle|Star|Globe|Today|Insider|TV|Radio|Channel|Network|Broadcasting"
    r"|Press|Media|Online|Newspaper|Review|Standard|Courier|Dispatch|Examiner|Inquirer|Bulletin|Monitor|Pravda"
    r"|Bloomberg|Politico|Axios|Vice|Vox|Forbes|Newsmax|Breitbart|Bellingcat|Meduza|Euronews|HuffPost|BuzzFeed"
    r"|Slate|Salon|Wired|Sky|Fox|Al Jazeera|Kommersant|Izvestia|Sputnik|Ledger|Record|Register|Sentinel|Beacon"
    r"|Enquirer|Advertiser|Argus|Courant|Echo|Messenger|Evening)\b"
    r"|^(?=[A-Z])\w*?[Nn]ews\w*$|\.(?:com|org|net|co\.uk|ru|ua)\b"
)
_OUTLET_ACRONYMS = {"BBC", "CNN", "NBC", "ABC", "CBS", "NPR", "PBS", "RT", "DW", "MSNBC", "CNBC", "NYT", "WSJ", "ITV",
                    "VOA", "NHK", "CBC", "SBS", "ZDF", "ARD", "RAI", "TVP", "RFE/RL"}  # fmt: skip
_PHOTO_WORDS = re.compile(
    r"^\(?\s*(?:(?:photo|image|picture|video|footage|credit|photograph)s?(?: by| credit)?\s*[:\-–]"
    r"|(?:photo|image) by\b)"
    r"|\b(?:Getty Images|Shutterstock|Alamy|Unsplash|Wikimedia Commons|AP Photo)\b",
    re.IGNORECASE,
)
_CONFERENCE_WORDS = re.compile(r"\b(?:news|press|media) (?P<what>conference|briefing)s?\b", re.IGNORECASE)
_HOLDER_BEFORE = re.compile(r"(?P<holder>(?:[A-Z][\w’'.&-]*[\s-]){0,3}[A-Z][\w’'.&-]*?)(?:[’']s)?\s+$")
_HOLDER_AFTER = re.compile(
    r"^\s+(?:with|by|of|held by|organi[sz]ed by|hosted by|at) (?P<holder>[^,.;:!?“”\"()]{2,60}?)"
    r"(?=\s*(?:[,.;:!?“”\"()]|$| (?:on|in|at|to|where|which|who|that|and|but)\b))"
)
_SPLIT_VIA = re.compile(r",?\s+(via|through|citing|quoting)\s+")
_SPLIT_AND = re.compile(r",?\s+(?:and|&)\s+")
_POST_MODIFIER = re.compile(
    r"\s+(?:(?:who|which|that|whose)\b|from\b|(?:\w+ed|held|taken|born) (?:in|by|from|at|on|with|to|for)\b).*$"
)
_APPOSITIVE = re.compile(r"(?<![\w’'])((?:[A-Z][\w’'.-]+\s+){1,4}[A-Z][\w’'.-]+)\s*,")
_OBJECT_BEFORE = re.compile(r"\b(?:of|from|in|at|for|to|with|by|on)(?: the| a| an)?\s*$")  # "brigade of the X,"
_ANTECEDENT = re.compile(r"((?:[A-Z][\w’'.-]+\s+){0,4}[A-Z][\w’'.-]+)\s*,\s*$")
_LEAD = re.compile(rf"(?:{ACCORDING_LEADS})\s+", re.IGNORECASE)
_PHRASE_END = r"(?=\s*(?:[,.;:!?“”\"()]|$| (?:who|which|that|and|but|in|on|at|as|after|before|when|while|said|says)\b))"
_PHRASE = re.compile(rf"(?P<name>[^,.;:!?“”\"()]{{2,80}}?){_PHRASE_END}")
_CITING_INSIDE = re.compile(r",\s*(?:citing|quoting) (?P<name>[^,.;:!?“”\"()]{2,60}),")
_QUOTED_BY = re.compile(
    rf"\s*,?\s*(?:as )?(?:quoted|cited|interviewed) by (?P<name>[^,.;:!?“”\"()]{{2,80}}?){_PHRASE_END}"
)
_RELEASED_BY = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:(?:released|published|provided|shared|posted|issued|compiled|obtained|filmed"
    r"|collected|distributed) by|from) (?P<name>[^,.;:!?“”\"()]{2,80}?)"
    r"(?=\s*(?:[,.;:!?“”\"()]|$| (?:who|which|that|and|but|in|on|at|as|after|before|when|while|said|says)\b))"
)
_REPUBLISHED = re.compile(
    r"\b(?:(?:originally|first) (?:published|appeared) (?:on|in|by)|republished (?:from|with)|syndicated (?:from|by))"
    r" (?P<name>[^,.;:!?()]{2,60}?)(?=\s*(?:[,.;:!?()]|$| (?:and|with|under|on)\b))"
)
_NOTICE_NAMED = re.compile(
    r"\b(?P<name>[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,4}) (?:is|are) an? (?:[\w-]+ ){0,2}aggregator\b"
)
_NOTICE = re.compile(r"\b(?:(?:is|are) an? (?:[\w-]+ ){0,2}aggregator|aggregat(?:ed|es|ing) (?:from|content))\b")
_SOURCE_LINE = re.compile(
    r"^[ \t]*(?:Source|Sources|Original source|Via):[ \t]*(?P<name>[^\n]{2,80}?)[ \t]*$", re.MULTILINE
)
_PLATFORM_MENTION = re.compile(
    r"\b(?:on|via|in) (?:(?:his|her|their|its|an?|the) )?(?:official )?"
    r"(?P<p>Twitter|Telegram|YouTube|Facebook|Instagram|TikTok|VKontakte|Truth Social)\b"
)
_QUOTE_BEFORE_VERB = re.compile(r"[”\"’]\s*,?\s*$")


# --- one phrase to one hop --------------------------------------------------------------------------------


def _clean(phrase: str) -> str:
    """Without quote marks, stray punctuation, leading prepositions or dangling conjunctions."""
    text = phrase.replace("\u00a0", " ")
    text = re.sub(r"[“”‘\"]|(?<![A-Za-z])[’']|[’'](?![A-Za-z])", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:()[]-–")
    text = re.sub(r"^(?:(?:with|on|from|by|to|before|and|but|as|of|in|at|via|said|says)\s+)+", "", text)
    text = re.sub(r"(?:[\s,;]+(?:and|or|but|the|a|an|as|with|who|which|that|also|then))+$", "", text)
    return text.strip(" ,.;:()[]-–")


def _strip_determiners(name: str) -> tuple[str, bool]:
    """ "the young man" -> ("young man", True); "one of the soldiers" -> ("soldiers", True)."""
    stripped = _PARTITIVE.sub("", name)
    stripped = re.sub(rf"^(?:(?i:{_DETERMINERS})\s+)+", "", stripped)
    return stripped, stripped != name


def _strip_titles(name: str) -> str:
    """ "Ukrainian President Volodymyr Zelensky" -> "Volodymyr Zelensky"; keeps at least one word."""
    words = name.split()
    while len(words) > 1:
        first = words[0].lower().rstrip(".")
        if first in _TITLES or (_is_demonym(words[0]) and words[1].lower().rstrip(".") in _TITLES):
            words.pop(0)
        else:
            break
    return " ".join(words)


def _is_demonym(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][a-z]+(?:ian|ean|ese|ish|i|an|ch)s?", word))


def _token_in_name(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or word.lower() in _CONNECTORS | _ORG_WORDS


def _without_generic_tail(name: str) -> str:
    """ "Interfax-Ukraine news agency" -> "Interfax-Ukraine", keeping the case of what is left."""
    short = re.sub(r"^(?i:the)\s+", "", name)
    short = re.sub(
        r"(?i:\s+(?:news agency|press agency|news service|wire service|agency|newspaper|website))+$", "", short
    )
    return short or name


def classify(phrase: str, *, photo: bool = False) -> Hop | None:
    """The hop a source phrase names, or None when it names no one (pronouns, described people, fragments)."""
    name = _clean(phrase)
    if not name or name.lower() in _PRONOUNS:
        return None
    if photo:
        return Hop(re.sub(r"^(?i:(?:photo|image|picture)s?(?: by| credit)?\s*[:\-–]*\s*)", "", name), PHOTO)
    for pattern, platform in _PLATFORMS:
        if pattern.search(name):
            return Hop(platform, SOCIAL)
    conference = _conference_in(name)
    if conference:
        return conference[-1]
    bare, had_determiner = _strip_determiners(name)
    bare = _POST_MODIFIER.sub("", bare).strip(" ,")
    if not bare or bare.lower() in _PRONOUNS:
        return None
    words = bare.split()
    head = words[-1].lower()
    trailing = _trailing_name(words)
    if trailing and len(trailing) < len(words) and words[-len(trailing) - 1].lower() in _BEFORE_NAME:
        # "press secretary Jane Doe", "the soldier Ivan Petrov": the name after the role.
        return Hop(_strip_titles(" ".join(trailing)), PERSON)
    if _AGGREGATOR_NAMES.search(bare):
        return Hop(bare, AGGREGATOR)
    if (_AGENCY_WORDS.search(bare) and not _STATE_AGENCY.search(bare)) or _WIRES.search(bare):
        return Hop(name if name.startswith("The ") else bare, AGENCY)
    if _is_outlet(name, bare):
        return Hop(name if name.startswith("The ") else bare, OUTLET)
    descriptive = (
        head in _DESCRIPTIVE
        or re.search(r"\d+-year-olds?$", head) is not None
        or (len(words) == 1 and _is_demonym(words[0]) and (had_determiner or head.endswith("s")))
    )
    if descriptive:
        return None
    if all(_token_in_name(word) for word in words) and any(word[:1].isupper() for word in words):
        if _INSTITUTIONS.search(bare) or head in _ROLE_HEADS:
            return Hop(bare, PERSON)
        return Hop(_strip_titles(bare), PERSON)
    if head in _UNNAMED_HEADS:  # "local officials", "unnamed sources": keep the words that qualify them
        return Hop(_POST_MODIFIER.sub("", re.sub(r"^(?i:the|a|an|his|her|their|its)\s+", "", name)), UNNAMED)
    if head in _ROLE_HEADS:
        return Hop(bare, PERSON)
    return None


def _trailing_name(words: list[str]) -> list[str]:
    """The capitalised words that end a phrase ("the soldier Ivan Petrov" -> ["Ivan", "Petrov"])."""
    trailing: list[str] = []
    for word in reversed(words):
        if not word[:1].isupper():
            break
        trailing.insert(0, word)
    return trailing


def _is_outlet(name: str, bare: str) -> bool:
    if _INSTITUTIONS.search(bare):
        return False
    if _OUTLET_WORDS.search(bare) or bare in _OUTLET_ACRONYMS or re.fullmatch(r"[A-Z0-9]{1,6} ?TV", bare):
        return True
    # "The Sun", "The Hill": "The" and one capitalised word that is neither a title nor a people.
    words = name.split()
    return (
        len(words) == 2
        and words[0] == "The"
        and words[1][:1].isupper()
        and words[1].lower() not in _TITLES
        and not _is_demonym(words[1])
    )


def _conference_in(text: str) -> list[Hop]:
    """The first press or news conference a text mentions: [holder hop if an outlet or agency, conference hop]."""
    match = _CONFERENCE_WORDS.search(text)
    if not match:
        return []
    what = "press " + match.group("what").lower()
    holder_name = ""
    before = _HOLDER_BEFORE.search(text[: match.start()] + " ")
    if before:
        words = before.group("holder").split()
        while words and words[0] in _FUNCTION_WORDS:
            words.pop(0)
        holder_name = " ".join(words)
    if not holder_name:
        after = _HOLDER_AFTER.match(text[match.end() :])
        holder_name = _clean(after.group("holder")) if after else ""
    holder = classify(holder_name) if holder_name else None
    if holder is None or holder.kind in (UNNAMED, SOCIAL, CONFERENCE):
        return [Hop(what, CONFERENCE)]
    label = _without_generic_tail(holder.name) if holder.kind != PERSON else holder.name
    conference = Hop(f"{label} {what}", CONFERENCE)
    return [holder, conference] if holder.kind in (OUTLET, AGENCY, AGGREGATOR) else [conference]


def parse_source(source: str, *, photo: bool = False) -> list[list[Hop]]:
    """The hop lists a source phrase gives, nearest first: "A via B" -> [[B, A]]; "A citing B" -> [[A, B]];
    "A and B" (two outlets) -> [[A], [B]]."""
    if photo:
        source = re.sub(r"\s*/\s*", " via ", source)  # "Photographer / Agency": the agency is nearer
    parts = _SPLIT_AND.split(source)
    groups = [_parse_part(part, photo) for part in parts]
    media = (OUTLET, AGENCY, AGGREGATOR, SOCIAL, PHOTO)
    if len(parts) > 1 and all(group and group[0].kind in media for group in groups):
        return groups
    whole = _parse_part(source, photo)
    return [whole] if whole else []


def _parse_part(part: str, photo: bool) -> list[Hop]:
    pieces = _SPLIT_VIA.split(part)
    first = classify(pieces[0], photo=photo)
    hops = [first] if first else []
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        hop = classify(piece, photo=photo)
        if hop is None:
            continue
        if separator in ("via", "through"):
            hops.insert(0, hop)
        else:
            hops.append(hop)
    return hops


# --- one candidate to chains ------------------------------------------------------------------------------


def _is_credit(candidate: Candidate) -> bool:
    quote = candidate.quote.strip()
    return bool(_PHOTO_WORDS.search(quote)) or (quote.endswith(")") and "(" not in quote)


def _sentence_text(candidate: Candidate, others: Sequence[Candidate], text: str) -> tuple[str, int]:
    """The candidate's sentence and its offset; without the text, the quotes of the sentence's candidates."""
    start, end = candidate.sentence
    if text and end > start:
        return text[start:end], start
    return " ".join(c.quote for c in [candidate, *others]), -1


def _base_hops(candidate: Candidate, others: Sequence[Candidate], text: str) -> list[list[Hop]]:
    """What the candidate names by itself, before anything else in its sentence is taken into account."""
    if _is_credit(candidate):
        return parse_source(candidate.source, photo=True)
    sentence, offset = _sentence_text(candidate, others, text)
    quote = candidate.quote
    conference = _conference_in(quote)
    if conference:
        holder = classify(candidate.source) if candidate.source else None
        if holder and holder.kind in (OUTLET, AGENCY, AGGREGATOR) and conference[-1].generic:
            label = _without_generic_tail(holder.name)
            conference = [holder, Hop(f"{label} {conference[-1].name}", CONFERENCE)]
        speaker = _speaker(candidate, sentence, offset)
        return [conference + ([speaker] if speaker and speaker.kind == PERSON else [])]
    republished = _REPUBLISHED.search(quote) or (_REPUBLISHED.search(sentence) if not candidate.source else None)
    if republished:
        hop = classify(republished.group("name"))
        return [[Hop(hop.name, OUTLET) if hop.kind == PERSON else hop]] if hop else []
    groups = parse_source(candidate.source) if candidate.source else []
    lead = _LEAD.match(quote)
    cut_short = text[candidate.end : candidate.end + 1].isalnum() if offset >= 0 else False
    if lead and (not groups or cut_short) and offset >= 0:
        # The detector's source stopped short ("citing the", "local of|ficials"): read the phrase after the lead.
        phrase = _PHRASE.match(text, candidate.start + lead.end(), candidate.sentence[1])
        groups = parse_source(phrase.group("name")) if phrase else []
    if not lead and not (groups and _clean_name(candidate, groups)):
        speaker = _speaker(candidate, sentence, offset)
        groups = [[speaker]] if speaker else []
    cited = _CITING_INSIDE.search(quote)
    hop = classify(cited.group("name")) if cited and groups else None
    if hop is not None:
        groups[-1] = [*groups[-1], hop]  # "X, citing unnamed sources, said"
    if groups and offset >= 0:
        end = candidate.sentence[1]
        quoted_by = _QUOTED_BY.match(text, candidate.end, end)
        hop = classify(quoted_by.group("name")) if quoted_by else None
        if hop is not None and not hop.generic:
            groups[0] = [hop, *groups[0]]  # "according to witnesses quoted by X": X is nearer
        released = _RELEASED_BY.match(text, candidate.end, end) if groups[-1][-1].generic else None
        hop = classify(released.group("name")) if released else None
        if hop is not None and not hop.generic:
            groups[-1] = [*groups[-1], hop]  # "according to footage released by X": X is further
    return groups


def _clean_name(candidate: Candidate, groups: list[list[Hop]]) -> bool:
    """A source that is a clean name or an unnamed source, not a role phrase ending an apposition."""
    source = candidate.source.strip()
    after = candidate.quote[candidate.quote.find(source) + len(source) :] if source in candidate.quote else ""
    if "," in after:
        return False  # "X, a Y of Z, said": the source is the tail of an apposition
    first = groups[0][0]
    return first.kind != PERSON or first.name.split()[-1][:1].isupper()


def _speaker(candidate: Candidate, sentence: str, offset: int) -> Hop | None:
    """The named speaker of a reporting verb: the source, an apposition before the verb, a relative's antecedent."""
    source = _clean(candidate.source)
    if offset < 0:
        hop = classify(source)
        return hop if hop and hop.kind == PERSON else None
    before = sentence[: max(0, candidate.start - offset)]
    if source.lower() in ("who", "which", "that"):
        antecedent = _ANTECEDENT.search(before)
        return classify(antecedent.group(1)) if antecedent else None
    region = sentence[: max(0, candidate.end - offset)]
    quote_marks = [m.end() for m in re.finditer(r"[“”\"]|(?<![A-Za-z])[’‘']|[’‘'](?![A-Za-z])", region)]
    region = region[quote_marks[-1] :] if quote_marks else region
    names = [
        m
        for m in _APPOSITIVE.finditer(region)
        if _appositive_name(m.group(1)) and not _OBJECT_BEFORE.search(region, 0, m.start())
    ]
    if names and (not source or "," in candidate.quote):
        return classify(_appositive_name(names[-1].group(1)))
    if source:
        hop = classify(source)
        return hop if hop and hop.kind in (PERSON, UNNAMED, OUTLET, AGENCY, AGGREGATOR, SOCIAL) else None
    if _QUOTE_BEFORE_VERB.search(before):
        # '"...," has admitted.' with no subject after the verb: the speaker opens the sentence.
        opening = _APPOSITIVE.match(sentence)
        name = _appositive_name(opening.group(1)) if opening else ""
        return classify(name) if name else None
    return None


def _appositive_name(run: str) -> str:
    words = run.split()
    while words and words[0].rstrip(".") in _FUNCTION_WORDS:
        words.pop(0)
    return " ".join(words) if len(words) >= 2 else ""


def _context(candidate: Candidate, others: Sequence[Candidate], text: str) -> list[Hop]:
    """Hops the sentence puts in front of a speaker: an outlet reporting it, a press conference, a social post."""
    hops: list[Hop] = []
    for other in sorted(others, key=lambda c: c.start):
        if other == candidate or _is_credit(other):
            continue
        groups = _base_hops(other, [], text)
        if groups and groups[0] and groups[0][0].kind in (OUTLET, AGENCY, AGGREGATOR):
            hops = list(groups[0])
            break
    sentence, offset = _sentence_text(candidate, others, text)
    hops += _conference_in(sentence)
    start = max(0, candidate.start - offset) if offset >= 0 else 0
    social = ""
    if re.search(r"\btweet(?:s|ed)?\b", sentence, re.IGNORECASE):
        social = "Twitter"
    else:
        mention = _PLATFORM_MENTION.search(sentence[start:])
        social = mention.group("p") if mention else ""
    if social:
        hops.append(Hop(social, SOCIAL))
    return hops


def _chains(candidate: Candidate, sentence_candidates: Sequence[Candidate], text: str) -> list[Chain]:
    others = [c for c in sentence_candidates if c != candidate and c.sentence == candidate.sentence]
    groups = _base_hops(candidate, others, text)
    first_kind = groups[0][0].kind if groups else None
    prefix: list[Hop] = []
    if _is_credit(candidate):
        pass
    elif re.match(r"(?:citing|quoting)\b", candidate.quote):
        # ", citing local officials": the previous attribution in the sentence is nearer the article.
        earlier = [c for c in others if c.end <= candidate.start and not _is_credit(c)]
        prefix = next((g[0] for c in reversed(earlier) for g in [_base_hops(c, [], text)] if g), [])
    elif first_kind in (None, PERSON):
        prefix = _context(candidate, others, text)
    elif first_kind == UNNAMED:
        prefix = [hop for hop in _context(candidate, others, text) if hop.kind in (OUTLET, AGENCY, AGGREGATOR)]
    if not groups and prefix:
        groups = [[]]
    chains = []
    for group in groups:
        hops = _squeeze([*prefix, *group])
        if hops:
            chains.append(Chain(candidate.start, candidate.end, candidate.quote, tuple(hops)))
    return chains


def _squeeze(hops: list[Hop]) -> list[Hop]:
    """Without a hop that repeats an earlier one: a chain passes each source once."""
    squeezed: list[Hop] = []
    for hop in hops:
        if all(hop.key != earlier.key for earlier in squeezed):
            squeezed.append(hop)
    return squeezed


def chain_for(candidate: Candidate, sentence_candidates: Sequence[Candidate] = (), text: str = "") -> Chain | None:
    """The chain of one attribution candidate, or None when nothing in its sentence names a source.

    sentence_candidates are the other attribution candidates of its sentence; text, when given, is the
    string the candidate's offsets point into (it lets appositions and "released by" be read).
    """
    chains = _chains(candidate, sentence_candidates, text)
    return chains[0] if chains else None


# --- a whole article ----------------------------------------------------------------------------------------


def article_chains(text: str, outlet: str = "") -> list[Chain]:
    """Chains for every attribution in the text, ordered by position.

    With an aggregator notice ("X is an automatic aggregator ..."), every chain starts at the aggregator and
    the notice itself is a chain to the primary source. A chain that starts at the article's own outlet loses
    that hop.
    """
    candidates = [c for c in detect(text) if c.category == ATTRIBUTION]
    notice = _NOTICE_NAMED.search(text) or _NOTICE.search(text)
    source_line = _SOURCE_LINE.search(text)
    found: list[tuple[tuple[int, int], bool, Chain]] = []
    for candidate in candidates:
        if notice and source_line and source_line.start() <= candidate.start < source_line.end():
            continue  # the notice's chain carries it
        sentence = [c for c in candidates if c.sentence == candidate.sentence]
        borrowed = not _base_hops(candidate, [c for c in sentence if c != candidate], text)
        found += [(candidate.sentence, borrowed, chain) for chain in _chains(candidate, sentence, text)]
    chains = _resolve_conferences(_unify_names([chain for _, _, chain in found]))
    unique: list[Chain] = []
    seen: set[tuple] = set()
    # A chain a speaker only borrows from its sentence ("he said, according to X") gives way to X's own.
    ranked = sorted(zip(found, chains, strict=True), key=lambda pair: pair[0][1])
    for (sentence, _, _), chain in ranked:
        identity = (sentence, tuple(hop.key for hop in chain.hops))
        if identity not in seen:
            seen.add(identity)
            unique.append(chain)
    if notice:
        name = notice.groupdict().get("name") or outlet.strip() or "aggregator"
        aggregator = Hop(name, AGGREGATOR)
        unique = [_with_first(chain, aggregator) for chain in unique]
        primary = Hop(PRIMARY_SOURCE, UNNAMED)
        if source_line and _clean(source_line.group("name")):
            named = classify(source_line.group("name"))
            primary = (
                named if named and named.kind in (AGENCY, AGGREGATOR) else Hop(_clean(source_line.group(1)), OUTLET)
            )
        start, end = _sentence_around(text, notice.start(), notice.end())
        unique.append(Chain(start, end, text[start:end], (aggregator, primary)))
    elif outlet.strip():
        own = Hop(outlet.strip(), OUTLET).key
        unique = [chain for chain in (_without_own(chain, own) for chain in unique) if chain is not None]
    return sorted(unique, key=lambda chain: (chain.start, chain.end))


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (within its line) that holds text[start:end]."""
    begin = max(text.rfind(mark, 0, start) for mark in ".!?\n") + 1
    stops = [found for found in (text.find(mark, end) for mark in ".!?\n") if found >= 0]
    stop = min(stops) + 1 if stops else len(text)
    while begin < stop and text[begin].isspace():
        begin += 1
    while stop > begin and text[stop - 1].isspace():
        stop -= 1
    return begin, stop


def _with_first(chain: Chain, first: Hop) -> Chain:
    rest = tuple(hop for index, hop in enumerate(chain.hops) if not (index == 0 and hop.key == first.key))
    return Chain(chain.start, chain.end, chain.quote, (first, *rest))


def _without_own(chain: Chain, own_key: str) -> Chain | None:
    hops = list(chain.hops)
    while hops and hops[0].key == own_key:
        hops.pop(0)
    return Chain(chain.start, chain.end, chain.quote, tuple(hops)) if hops else None


def _unify_names(chains: list[Chain]) -> list[Chain]:
    """One name per source within an article: "Rudenko" -> "Igor Rudenko"; "Interfax press conference" ->
    "Interfax-Ukraine press conference" when that is the article's only longer match."""
    hops = {hop for chain in chains for hop in chain.hops}
    replacements: dict[Hop, Hop] = {}
    for hop in hops:
        if hop.generic:
            continue
        tokens = hop.key.split()
        longer = [
            other
            for other in hops
            if other.kind == hop.kind and len(other.key.split()) > len(tokens) and not other.generic
            and _extends(tokens, other.key.split(), hop.kind)
        ]  # fmt: skip
        if len({other.key for other in longer}) == 1:
            replacements[hop] = min(longer, key=lambda other: other.name)
    return [
        Chain(chain.start, chain.end, chain.quote, tuple(_squeeze([replacements.get(h, h) for h in chain.hops])))
        for chain in chains
    ]


def _extends(short: list[str], long: list[str], kind: str) -> bool:
    if kind == PERSON:
        return len(short) == 1 and long[-1] == short[0]
    if kind == CONFERENCE:
        short, long = short[:-2], long[:-2]  # the holders
        return bool(short) and long[: len(short)] == short
    return kind in (OUTLET, AGENCY) and long[: len(short)] == short


def _resolve_conferences(chains: list[Chain]) -> list[Chain]:
    """A bare "the press conference" is the nearest named one before it, with the named one's holder in
    front when it opens the chain."""
    named: list[tuple[int, Hop]] = []
    prefixes: dict[str, tuple[Hop, ...]] = {}
    for chain in chains:
        for index, hop in enumerate(chain.hops):
            if hop.kind == CONFERENCE and not hop.generic:
                named.append((chain.start, hop))
                if len(chain.hops[: index + 1]) > len(prefixes.get(hop.key, ())):
                    prefixes[hop.key] = chain.hops[: index + 1]
    resolved = []
    for chain in chains:
        hops = list(chain.hops)
        index = next((i for i, hop in enumerate(hops) if hop.kind == CONFERENCE), None)
        if index is not None and named:
            target = hops[index]
            if target.generic:
                before = [hop for start, hop in named if start <= chain.start]
                if not before:
                    resolved.append(chain)
                    continue
                target = before[-1]
            if index == 0 and target.key in prefixes:
                hops = [*prefixes[target.key], *hops[1:]]
            else:
                hops[index] = target
        resolved.append(Chain(chain.start, chain.end, chain.quote, tuple(_squeeze(hops))))
    return resolved
