"""Synthetic war-news text for the benchmarks: articles and short claim sentences.

Deterministic: the same arguments give the same text on every run and machine (seeded
`random.Random`s only, never set or hash order). Places, people, outlets, agencies and units are
made up here from syllables and word lists; nothing is taken from real articles or data/seeds.

Casualty and Geneva sentences report *events*. Event number i is the same wherever it is used, so
articles and claim lists can describe the same events in different words: that is what the
cross-article matcher has to find. Claims use events 0, 1, 2, ... (see `claim_event_count`);
`generate_articles(..., known_events=k, known_share=s)` draws a share s of its events from 0..k-1.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

GENERATOR_VERSION = 1  # bump when the output changes, so stored benchmark data is rebuilt

# --- vocabulary, invented ------------------------------------------------------------------------

_ONSETS = (
    "Vel", "Kar", "Dun", "Mor", "Ost", "Bel", "Tar", "Zor", "Lis", "Hal", "Ner", "Pol", "Sten", "Vor", "Kel", "Mir",
    "Sor", "Brel", "Tav", "Gor", "Rud", "Yas", "Dol", "Kriv", "Zel", "Plet", "Var", "Lom", "Sev", "Tur"
)  # fmt: skip
_MIDDLES = ("o", "a", "e", "i", "")
_ENDINGS = (
    "vka", "sk", "ovo", "ino", "ets", "grad", "pil", "yn", "ava", "iv", "ara", "ovka", "enne", "ul", "ech", "ost"
)  # fmt: skip
_FIRST_NAMES = (
    "Andrei", "Marta", "Pavel", "Elena", "Tomas", "Irena", "Viktor", "Lidia", "Oleg", "Sofia", "Yuri", "Nadia",
    "Bogdan", "Katya", "Roman", "Vera", "Milan", "Alina", "Stefan", "Daria", "Lukas", "Hanna", "Igor", "Mila",
    "Artem", "Zoya", "Filip", "Ruta", "Sergei", "Olena", "Matvei", "Ilona", "Denys", "Agata", "Borys", "Tamara"
)  # fmt: skip
_SURNAME_STEMS = (
    "Kov", "Marn", "Dolg", "Hrab", "Tesl", "Vorob", "Kalin", "Zhur", "Petr", "Sokol", "Belan", "Moroz", "Lysak",
    "Hord", "Tkach", "Volyn"
)  # fmt: skip
_SURNAME_ENDINGS = ("enko", "ov", "ova", "ic", "sky", "uk", "ar", "escu", "ets", "in")
_SIDES = (("Varnia", "Varnian"), ("Kestria", "Kestrian"))
_OTHER_COUNTRIES = ("Daluria", "Ostmark", "Pellinore", "the Calder Republic")
_OUTLETS = (
    "the Meridian Wire",
    "the Northern Ledger",
    "Harbour Post",
    "the Daily Lantern",
    "Eastbridge Times",
    "Kestrel Radio",
    "Channel Nine",
    "the Evening Courier",
    "Frontline Digest",
    "the Sentinel Weekly",
    "Plainview Broadcasting",
    "the Riverside Chronicle",
)
_AGENCIES = (
    "Continental Press Agency",
    "the Varnian News Agency",
    "Baltrin Press Service",
    "the Associated Wire",
    "Kestrian state news agency Vesta",
    "Polar News Service",
)
_PHOTO_AGENCIES = ("Lumen Images", "Stillframe Photo", "Northlight Pictures", "Open Lens Collective")
_RIGHTS_GROUPS = ("Civic Watch", "Frontline Rights Monitor", "the Open Testimony Project", "Conflict Ledger")
_UNIT_TYPES = ("Mechanised", "Mountain Assault", "Territorial Defence", "Artillery", "Marine", "Airborne", "Tank")
_PEOPLE = ("civilians", "residents", "people", "villagers", "children", "women", "medics", "workers", "passengers")
_SOLDIERS = ("soldiers", "troops", "servicemen", "fighters", "conscripts", "marines", "paratroopers")
_WEAPONS = (
    ("a missile", "missile"),
    ("artillery shells", "artillery"),
    ("a glide bomb", "bomb"),
    ("a drone", "drone"),
    ("a rocket barrage", "rocket"),
    ("cluster munitions", "cluster munition"),
    ("mortar fire", "mortar"),
)
_TARGETS = (
    "a residential building",
    "a market",
    "a railway station",
    "a school",
    "a hospital",
    "a bus stop",
    "an apartment block",
    "a grain terminal",
    "a power station",
    "a shopping centre",
    "a cafe",
    "a humanitarian aid point",
    "a water pumping station",
    "a church",
)
_WHEN = (
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "on Saturday",
    "on Sunday",
    "overnight",
    "on Tuesday morning",
    "late on Friday",
    "early on Sunday",
    "earlier this week",
    "last week",
)
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December"
)  # fmt: skip
_BEATS = ("security and defence", "the war in the east", "human rights", "politics and energy", "the front line")


def _place_names() -> tuple[str, ...]:
    names = sorted({onset + middle + ending for onset in _ONSETS for middle in _MIDDLES for ending in _ENDINGS})
    names = [name for name in names if not re.search(r"([aeiou])\1|[aeiou]{3}", name)]
    random.Random("places").shuffle(names)
    return tuple(names[:900])


_PLACES = _place_names()
_CITIES = _PLACES[:40]  # the larger towns: datelines, capitals, regional centres
_SURNAMES = tuple(stem + ending for stem in _SURNAME_STEMS for ending in _SURNAME_ENDINGS)

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"
)  # fmt: skip
_TENS = ("_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(value: int) -> str:
    """1-99 in words ("twenty-three"); other values in digits with thousands separators."""
    if 0 < value < 20:
        return _ONES[value]
    if 20 <= value < 100:
        return _TENS[value // 10] + (f"-{_ONES[value % 10]}" if value % 10 else "")
    return f"{value:,}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- events -------------------------------------------------------------------------------------

_KINDS = (
    "strike",
    "strike",
    "strike",
    "wounded",
    "capture",
    "displaced",
    "exchange",
    "treatment",
    "civilian",
    "missing",
)
_VAGUE = {
    "strike": ("dozens of", "scores of"),
    "wounded": ("dozens of", "scores of", "hundreds of"),
    "capture": ("dozens of", "hundreds of"),
    "displaced": ("thousands of", "thousands of", "tens of thousands of", "hundreds of"),
    "exchange": ("hundreds of",),
    "missing": ("dozens of",),
}
_VALUES = {
    "strike": (2, 60),
    "wounded": (2, 180),
    "capture": (2, 300),
    "displaced": (150, 60_000),
    "exchange": (20, 400),
    "treatment": (2, 40),
    "civilian": (2, 40),
    "missing": (2, 45),
}


@dataclass(frozen=True)
class Event:
    """Something that happened, as several articles may report it."""

    kind: str
    place: str
    city: str
    side: tuple[str, str]  # (country, adjective) of the side that reports it
    enemy: tuple[str, str]
    people: str
    soldiers: str
    value: int
    high: int  # > value for a range ("15 to 20"), else equal
    vague: str  # "dozens of", ... or "" for a count
    weapon: tuple[str, str]
    target: str
    when: str
    unit: str
    speaker: str
    role: str
    outlet: str
    agency: str
    group: str


def event(number: int) -> Event:
    """Event number `number`: the same on every call."""
    rng = random.Random(f"event:{number}")
    kind = rng.choice(_KINDS)
    low, high = _VALUES[kind]
    value = int(round(low * (high / low) ** (rng.random() ** 1.6)))  # small counts are the common ones
    if value >= 1000:
        value = round(value, -2)
    upper = value
    vague = ""
    roll = rng.random()
    if kind in _VAGUE and roll < (0.4 if kind == "displaced" else 0.15):
        vague = rng.choice(_VAGUE[kind])
    elif roll < 0.28 and value >= 4:
        upper = value + rng.choice((2, 3, 5, 10)) * max(1, value // 20)
    sides = list(_SIDES)
    rng.shuffle(sides)
    place = rng.choice(_PLACES)
    return Event(
        kind=kind,
        place=place,
        city=rng.choice(_CITIES),
        side=sides[0],
        enemy=sides[1],
        people=rng.choice(_PEOPLE),
        soldiers=rng.choice(_SOLDIERS),
        value=value,
        high=upper,
        vague=vague,
        weapon=rng.choice(_WEAPONS),
        target=rng.choice(_TARGETS),
        when=rng.choice(_WHEN),
        unit=_unit(rng),
        speaker=_person(rng),
        role=_role(rng, place, sides[0][1]),
        outlet=rng.choice(_OUTLETS),
        agency=rng.choice(_AGENCIES),
        group=rng.choice(_RIGHTS_GROUPS),
    )


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"


def _ordinal(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _unit(rng: random.Random) -> str:
    return f"the {_ordinal(rng.randint(1, 160))} {rng.choice(_UNIT_TYPES)} Brigade"


def _role(rng: random.Random, place: str, adjective: str) -> str:
    return rng.choice(
        (
            f"the governor of the {place} region",
            f"the mayor of {place}",
            f"the head of the {place} military administration",
            f"a spokesperson for the {adjective} defence ministry",
            f"a spokesperson for the {adjective} general staff",
            "a local volunteer coordinator",
            "a doctor at the regional hospital",
            "a senior police officer",
            f"the {adjective} human rights ombudsman",
        )
    )


# --- figures and attributions ---------------------------------------------------------------------


_QUALIFIERS = ("", "", "", "at least", "more than", "nearly", "some", "about", "up to", "no fewer than")


def _figure(ev: Event, rng: random.Random, *, plain: bool = False) -> str:
    """The event's number as news text writes it: digits, words, a range, a qualifier, or vague.
    `plain`: a single number without qualifier (after "rose to", "has passed")."""
    if ev.vague and not plain:
        return ev.vague.removesuffix(" of") if rng.random() < 0.1 else ev.vague
    if ev.high > ev.value and not plain:
        low, high = ev.value, ev.high
        return rng.choice((f"{low:,} to {high:,}", f"{low:,}-{high:,}", f"between {low:,} and {high:,}"))
    value = ev.value
    qualifier = "" if plain or value < 3 else rng.choice(_QUALIFIERS)
    if qualifier not in ("", "at least") and value >= 20:  # "about 40", not "about 43"
        step = 10 if value < 200 else 50 if value < 1000 else 100 if value < 10_000 else 1000
        value = round(value / step) * step
    in_words = value <= 20 or (value < 100 and value % 10 == 0)
    amount = number_words(value) if in_words and rng.random() < 0.5 else f"{value:,}"
    return f"{qualifier} {amount}".strip()


def _count_of(ev: Event, rng: random.Random, noun: str) -> str:
    figure = _figure(ev, rng)
    if figure in ("dozens", "scores", "hundreds", "thousands", "tens of thousands"):
        figure += " of"
    return f"{figure} {noun}"


def _attribution(ev: Event, rng: random.Random) -> str:
    """A trailing attribution (", according to X"), or nothing."""
    return rng.choice(
        (
            "",
            "",
            f", according to {ev.role}",
            f", according to {ev.outlet}",
            f", {ev.outlet} reported",
            f", as per {ev.agency} via {ev.outlet}",
            f", {ev.speaker}, {ev.role}, said",
            f", the {ev.side[1]} defence ministry said in a statement",
            f", {ev.agency} reported, citing local officials",
            f", local officials told {ev.outlet}",
            f", said {ev.speaker}, {ev.role}",
            f", {ev.group} said, citing witnesses",
        )
    )


# --- sentences per kind of event -------------------------------------------------------------------


def _strike(ev: Event, rng: random.Random, src: str) -> str:
    weapon, weapon_noun = ev.weapon
    victims = _count_of(ev, rng, ev.people)
    return rng.choice(
        (
            f"{_cap(victims)} were killed when {weapon} hit {ev.target} in {ev.place} {ev.when}{src}.",
            f"{_cap(weapon)} struck {ev.target} in {ev.place} {ev.when}, killing {victims}{src}.",
            f"The death toll in {ev.place} rose to {_figure(ev, rng, plain=True)} after {weapon} hit {ev.target}"
            f" {ev.when}{src}.",
            f"According to {ev.role}, {victims} died in the {weapon_noun} attack on {ev.target} in {ev.place}"
            f" {ev.when}.",
            f"“{_cap(victims)} were killed here {ev.when},” {ev.speaker}, {ev.role}, told {ev.outlet}, standing"
            f" outside {ev.target} in {ev.place}.",
            f"{_cap(ev.outlet)} reported that {victims} lost their lives when {ev.enemy[1]} forces shelled"
            f" {ev.place} {ev.when}.",
        )
    )


def _wounded(ev: Event, rng: random.Random, src: str) -> str:
    weapon, _ = ev.weapon
    victims = _count_of(ev, rng, ev.people)
    return rng.choice(
        (
            f"{_cap(victims)} were wounded when {weapon} hit {ev.target} in {ev.place} {ev.when}{src}.",
            f"{_cap(weapon)} hit {ev.target} in {ev.place} {ev.when}, injuring {victims}{src}.",
            f"At least one person was killed and {victims} were injured in {ev.place} {ev.when}{src}.",
            f"Doctors in {ev.city} treated {victims} wounded in the attack on {ev.target} in {ev.place}{src}.",
        )
    )


def _capture(ev: Event, rng: random.Random, src: str) -> str:
    captives = _count_of(ev, rng, f"{ev.enemy[1]} {ev.soldiers}")
    return rng.choice(
        (
            f"{_cap(ev.unit)} said it had captured {captives} near {ev.place} {ev.when}.",
            f"{_cap(captives)} surrendered to {ev.unit} near {ev.place} {ev.when}{src}.",
            f"{_cap(captives)} were taken prisoner in fighting around {ev.place}{src}.",
            f"Footage posted by {ev.unit} showed {captives} captured near {ev.place}, {ev.outlet} reported.",
        )
    )


def _displaced(ev: Event, rng: random.Random, src: str) -> str:
    people = _count_of(ev, rng, ev.people if ev.people not in ("medics", "workers", "passengers") else "residents")
    return rng.choice(
        (
            f"{_cap(people)} have fled {ev.place} since the shelling began{src}.",
            f"Authorities evacuated {people} from {ev.place} {ev.when} as the fighting moved closer{src}.",
            f"The number of displaced people in the {ev.place} region has passed {_figure(ev, rng, plain=True)}{src}.",
            f"{_cap(people)} were forced from their homes in and around {ev.place}, {ev.group} said.",
        )
    )


def _exchange(ev: Event, rng: random.Random, src: str) -> str:
    figure = _figure(ev, rng)
    return rng.choice(
        (
            f"{ev.side[0]} and {ev.enemy[0]} exchanged {figure} prisoners of war {ev.when}{src}.",
            f"{_cap(figure)} {ev.side[1]} prisoners of war returned home in an exchange mediated by"
            f" {rng.choice(_OTHER_COUNTRIES)}{src}.",
            f"The latest swap freed {figure} captives held by {ev.enemy[1]} forces, {ev.speaker}, {ev.role}, said.",
            f"{ev.agency} reported that {figure} POWs had been handed over at a crossing near {ev.place}.",
        )
    )


def _treatment(ev: Event, rng: random.Random, src: str) -> str:
    return rng.choice(
        (
            f"Captured {ev.enemy[1]} {ev.soldiers} were paraded in front of journalists in {ev.city}, which"
            f" {ev.group} said violated the Third Geneva Convention.",
            f"Footage released by {ev.outlet} appeared to show {_figure(ev, rng)} prisoners being interrogated on"
            f" camera, in breach of Article 13 of the Geneva Conventions, {ev.group} said.",
            f"{ev.speaker}, {ev.role}, accused {ev.enemy[1]} forces of torturing detainees held near {ev.place}.",
            f"Prisoners of war must be protected against insults and public curiosity, {ev.group} said after"
            f" videos of captured {ev.soldiers} from {ev.place} spread on social media.",
            f"Several captured {ev.soldiers} appeared in front of the press in {ev.city}, where they were forced to"
            f" read prepared statements{src}.",
        )
    )


def _civilian(ev: Event, rng: random.Random, src: str) -> str:
    weapon, weapon_noun = ev.weapon
    return rng.choice(
        (
            f"The shelling of {ev.target} in {ev.place} {ev.when} was a war crime, {ev.speaker}, {ev.role}, said.",
            f"{_cap(ev.group)} said the {weapon_noun} strikes on civilian infrastructure in {ev.place} could amount"
            f" to crimes against humanity.",
            f"Residents sheltering from shelling in the basement of {ev.target} in {ev.place} said they had been"
            f" without water for {number_words(ev.value)} days{src}.",
            f"Investigators are examining whether the attack on {ev.target} in {ev.place}, carried out with"
            f" {weapon}, broke international humanitarian law{src}.",
        )
    )


def _missing(ev: Event, rng: random.Random, src: str) -> str:
    weapon, _ = ev.weapon
    people = _count_of(ev, rng, ev.people)
    return rng.choice(
        (
            f"{_cap(people)} remain missing after {weapon} hit {ev.target} in {ev.place} {ev.when}{src}.",
            f"Rescuers were still searching the rubble of {ev.target} in {ev.place} for {people}{src}.",
            f"{_cap(people)} are unaccounted for after the fighting in {ev.place}, {ev.speaker}, {ev.role}, said.",
        )
    )


_RENDER: dict[str, Callable[[Event, random.Random, str], str]] = {
    "strike": _strike,
    "wounded": _wounded,
    "capture": _capture,
    "displaced": _displaced,
    "exchange": _exchange,
    "treatment": _treatment,
    "civilian": _civilian,
    "missing": _missing,
}


def event_sentence(ev: Event, rng: random.Random) -> str:
    """One sentence reporting the event; each call may word it differently."""
    return _RENDER[ev.kind](ev, rng, _attribution(ev, rng))


# --- the rest of an article ------------------------------------------------------------------------


def _quote(rng: random.Random) -> str:
    place, name = rng.choice(_PLACES), _person(rng)
    role = _role(rng, place, rng.choice(_SIDES)[1])
    outlet = rng.choice(_OUTLETS)
    words = rng.choice(
        (
            f"We are doing everything we can to restore power to {place}",
            "The situation remains extremely difficult, but the line is holding",
            "Nobody in this town has slept properly for weeks",
            f"We need more generators and more medicine in {place}, and we need them now",
            "The shelling starts every evening at around the same time",
            "People are tired, but they are not leaving",
        )
    )
    return rng.choice(
        (
            f"“{words},” {name}, {role}, said.",
            f"“{words},” {name} told {outlet}.",
            f"{name}, {role}, told {outlet} that the situation in {place} remained “extremely difficult”.",
            f"{_cap(outlet)} could not independently verify the claims.",
            f"The figures could not be independently verified, and the {rng.choice(_SIDES)[1]} defence ministry did"
            f" not respond to a request for comment.",
            f"Speaking at a news briefing in {rng.choice(_CITIES)}, {name} said reinforcements were on their way.",
        )
    )


def _filler(rng: random.Random) -> str:
    place, city = rng.choice(_PLACES), rng.choice(_CITIES)
    country, adjective = rng.choice(_SIDES)
    return rng.choice(
        (
            f"Forecasters expect temperatures in {city} to drop to minus {rng.randint(5, 25)} degrees Celsius by the"
            f" weekend.",
            f"Heavy rain turned the roads around {place} into mud, slowing the movement of supply trucks.",
            f"Fog closed the airport in {city} for most of the day.",
            f"Parliament in {city} is due to vote on a new mobilisation law next week.",
            f"The foreign minister of {country} is expected to travel to {rng.choice(_OTHER_COUNTRIES)} for talks"
            f" {rng.choice(_WHEN)}.",
            "Opposition deputies walked out of the session in protest at the proposed budget cuts.",
            f"The {adjective} central bank kept its key interest rate at {rng.randint(8, 25)} percent"
            f" {rng.choice(_WHEN)}.",
            f"Grain exports through the port of {place} rose by {rng.randint(2, 40)} percent in"
            f" {rng.choice(_MONTHS)}, the agriculture ministry said.",
            f"Fuel prices in {city} have nearly doubled since the start of the year.",
            f"Schools in {place} switched to online lessons after power cuts of up to {rng.randint(4, 16)} hours a"
            f" day.",
            f"Talks on a ceasefire have stalled since {rng.choice(_MONTHS)}, and neither side expects a breakthrough"
            f" soon.",
            f"The railway line between {city} and {place} reopened after repairs that took {rng.randint(3, 30)} days.",
            f"Farmers near {place} say they cannot sow their fields because of mines left in the soil.",
            f"Aid convoys reached {place} for the first time in {number_words(rng.randint(2, 9))} weeks.",
            f"A new bridge over the river at {place} is expected to open in {rng.choice(_MONTHS)}.",
            f"Queues formed outside petrol stations in {city} after rumours of a new fuel tax.",
            f"The government in {city} announced a programme of cheap loans for small businesses.",
            f"Snow is forecast for the hills north of {place} later in the week.",
            f"Unemployment in the {place} region has fallen slightly since the spring, officials said.",
            f"Local elections in {city} have been postponed until further notice.",
            f"Electricity tariffs will rise by {rng.randint(5, 30)} percent from {rng.choice(_MONTHS)}.",
            f"Volunteers in {city} have collected winter clothing for families in {place}.",
            f"The football season in {country} will resume in {rng.choice(_MONTHS)} without spectators.",
        )
    )


def _caption(rng: random.Random) -> str:
    who, agency = _person(rng), rng.choice(_PHOTO_AGENCIES)
    place = rng.choice(_PLACES)
    return rng.choice(
        (
            f"(Photo: {who} / {agency})",
            f"Photo by {who} via {agency}",
            f"A damaged apartment block in {place} {rng.choice(_WHEN)}. (Photo: {who} / {agency})",
            f"Image: {agency}",
            f"Rescue workers search the rubble in {place}. Photo: {who}/{agency}",
        )
    )


def _headline(ev: Event, rng: random.Random) -> str:
    figure = number_words(ev.value) if ev.value < 10 else f"{ev.value:,}"
    titles = {
        "strike": f"{_cap(figure)} killed in {ev.weapon[1]} strike on {ev.target.split(' ', 1)[1]} in {ev.place}",
        "wounded": f"Dozens hurt as {ev.weapon[1]} hits {ev.place}",
        "capture": f"{ev.side[1]} army says it captured {figure} {ev.enemy[1]} {ev.soldiers} near {ev.place}",
        "displaced": f"Thousands flee {ev.place} as fighting nears",
        "exchange": f"{ev.side[0]} and {ev.enemy[0]} swap {figure} prisoners of war",
        "treatment": f"Rights groups condemn treatment of captured {ev.soldiers}",
        "civilian": f"Strike on {ev.target.split(' ', 1)[1]} in {ev.place} was a war crime, officials say",
        "missing": f"Search for survivors continues in {ev.place}",
    }
    return titles[ev.kind] + rng.choice(("", "", " – live updates", ": what we know"))


def _boilerplate(rng: random.Random, outlet: str) -> list[str]:
    lines: list[str] = []
    if rng.random() < 0.5:
        lines.append(f"Source: {_cap(outlet)}")
    lines.append(rng.choice(("Read more:", "Related Articles", f"More from {outlet.removeprefix('the ')}")))
    for _ in range(rng.randint(3, 5)):
        lines.append(_headline(event(rng.randrange(10**6, 10**12)), rng))
    name, city = _person(rng), rng.choice(_CITIES)
    lines.append(
        rng.choice(
            (
                f"{name} is a senior correspondent for {outlet} who covers {rng.choice(_BEATS)} from {city}.",
                f"{name} is a freelance journalist based in {city}. She previously worked for {rng.choice(_OUTLETS)}.",
                f"{name} is an award-winning reporter and editor who writes about {rng.choice(_BEATS)}.",
            )
        )
    )
    if rng.random() < 0.3:
        lines.append(rng.choice(("Share this article", "Follow us for more updates", "Back to top")))
    return lines


def _article(rng: random.Random, pick_event: Callable[[], Event]) -> str:
    target = rng.randint(3000, 6000)
    outlet = rng.choice(_OUTLETS)
    main = [pick_event() for _ in range(rng.randint(1, 2))]
    headline = _headline(main[0], rng)
    tail = _boilerplate(rng, outlet)
    day = f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}"
    dateline = f"{main[0].city.upper()}, {day} ({rng.choice(_AGENCIES).removeprefix('the ')}) – "
    pending = [ev for ev in main for _ in range(rng.randint(1, 3))]
    seen: set[str] = set()

    def fresh(make: Callable[[], str]) -> str:
        """A sentence the article does not have yet (a few tries), as an editor would not repeat one."""
        sentence = make()
        for _ in range(4):
            if sentence not in seen:
                break
            sentence = make()
        seen.add(sentence)
        return sentence

    paragraphs = [dateline + fresh(lambda: event_sentence(main[0], rng))]
    used = len(headline) + len(paragraphs[0]) + sum(len(line) + 2 for line in tail)
    while used < target:
        if rng.random() < 0.06:
            paragraph = _caption(rng)
        else:
            sentences = []
            for _ in range(rng.randint(1, 3)):
                roll = rng.random()
                if pending and roll < 0.5:
                    ev = pending.pop(0)
                    sentences.append(fresh(lambda ev=ev: event_sentence(ev, rng)))
                elif roll < 0.35:
                    sentences.append(fresh(lambda: event_sentence(pick_event(), rng)))
                elif roll < 0.55:
                    sentences.append(fresh(lambda: _quote(rng)))
                else:
                    sentences.append(fresh(lambda: _filler(rng)))
            paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        used += len(paragraph) + 2
    return "\n\n".join([headline, *paragraphs, *tail]) + "\n"


# --- public API -------------------------------------------------------------------------------------


def generate_articles(n: int, seed: int = 0, *, known_events: int = 0, known_share: float = 0.0) -> list[str]:
    """`n` articles of about 3-6 kB: a headline, a dateline, casualty, Geneva, quoted and neutral
    sentences, photo credits, and boilerplate (source line, "Read more" list, author bio).

    A share `known_share` of the events reported is drawn from events 0..known_events-1 (those the
    claims of `generate_claim_sentences` describe); the others are new.
    """
    rng = random.Random(f"articles:{seed}")

    def pick_event() -> Event:
        if known_events and rng.random() < known_share:
            return event(rng.randrange(known_events))
        return event(rng.randrange(10**6, 10**12))  # far above any claim list's events

    return [_article(rng, pick_event) for _ in range(n)]


def _is_paraphrase(position: int, share: float) -> bool:
    return position > 0 and int((position + 1) * share) != int(position * share)


def claim_event_count(n: int, paraphrase_share: float = 0.2) -> int:
    """How many distinct events the first `n` claim sentences describe (events 0 to this - 1)."""
    return sum(not _is_paraphrase(position, paraphrase_share) for position in range(n))


def generate_claim_sentences(n: int, seed: int = 0, *, paraphrase_share: float = 0.2) -> list[str]:
    """`n` short claim sentences, one event each; a share `paraphrase_share` of them restate, in other
    words, the event of an earlier sentence (a near-paraphrase of it)."""
    if not 0.0 <= paraphrase_share < 1.0:
        raise ValueError("paraphrase_share must be at least 0 and below 1")
    rng = random.Random(f"claims:{seed}")
    used: list[Event] = []
    found: list[str] = []
    for position in range(n):
        if _is_paraphrase(position, paraphrase_share):
            ev = rng.choice(used)
        else:
            ev = event(len(used))
            used.append(ev)
        found.append(event_sentence(ev, rng))
    return found
