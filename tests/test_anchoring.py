"""Anchoring claims to text: span selectors, tagging a claim, and rendering highlights with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

import pytest

from reviews import services
from reviews.audit import system_actor
from reviews.highlight import Mark, render_body
from reviews.models import PREFIX_SUFFIX_LENGTH, Article, AuditEvent, Category, Claim
from reviews.text import TextRefused, select_span
from tests.conftest import SEEDS, client_for, seed_bytes

NBSP_PHRASE = "The Sun\u00a0reported"
CURLY_PHRASE = "“treacherous invasion”"
EMOJI_TEXT = (
    "Flag 🇺🇦 and a face 😀 open this line.\n\n"
    "The ministry said 40 soldiers were captured 🎖 near the bridge.\n\n"
    "A last paragraph with 𝒳 in it."
)


# --- helpers ----------------------------------------------------------------------------------


def make_article(team, text: str, source: str = "custom.txt") -> Article:
    with system_actor("tests"):
        result = services.import_article(team=team, data=text.encode("utf-8"), source=source)
    assert result.status == "imported", result.message
    return Article.objects.get(pk=result.article.pk)  # the body as PostgreSQL gives it back


def span_of(body: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = body.index(phrase, start + 1)
    return start, start + len(phrase)


def expected_context(body: str, start: int, end: int) -> tuple[str, str]:
    return body[max(0, start - PREFIX_SUFFIX_LENGTH) : start], body[end : end + PREFIX_SUFFIX_LENGTH]


def other_category(team) -> Category:
    return Category.objects.get(team=team, slug="geneva-convention")


def tag(user, article, start, end, category, **kwargs) -> Claim:
    return services.tag_claim(user=user, article=article, start=start, end=end, category=category, **kwargs)


def marks_of(article: Article, **extra) -> list[Mark]:
    return [
        Mark(claim_id=claim.pk, start=claim.start, end=claim.end, category_id=claim.category_id, **extra)
        for claim in article.claims.all()
    ]


@dataclass
class Segment:
    tag: str
    attrs: dict[str, str]
    text: str = ""

    @property
    def start(self) -> int:
        return int(self.attrs["data-s"])

    @property
    def claims(self) -> list[int]:
        return [int(pk) for pk in self.attrs.get("data-claims", "").split()]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class SegmentParser(HTMLParser):
    """Collect the flat data-s elements of a rendered body; anything else is recorded as stray."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segments: list[Segment] = []
        self.stray: list[str] = []
        self.current: Segment | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "data-s" not in attrs or self.current is not None:
            self.stray.append(f"<{tag}>")
            return
        self.current = Segment(tag, attrs)

    def handle_endtag(self, tag):
        if self.current is None or tag != self.current.tag:
            self.stray.append(f"</{tag}>")
            return
        self.segments.append(self.current)
        self.current = None

    def handle_data(self, data):
        if self.current is None:
            self.stray.append(data)
        else:
            self.current.text += data


def parse_segments(rendered: str) -> list[Segment]:
    parser = SegmentParser()
    parser.feed(str(rendered))
    parser.close()
    assert parser.stray == []
    assert parser.current is None
    return parser.segments


def assert_segments_rebuild(rendered: str, body: str) -> list[Segment]:
    """The segments, in order, hold exactly the body, and each data-s is its segment's real offset."""
    segments = parse_segments(rendered)
    assert "".join(segment.text for segment in segments) == body
    offset = 0
    for segment in segments:
        assert segment.text, "no segment is empty"
        assert segment.start == offset
        assert body[segment.start : segment.start + len(segment.text)] == segment.text
        offset += len(segment.text)
    assert offset == len(body)
    return segments


def covering(claims: list[Claim], offset: int) -> list[Claim]:
    return [claim for claim in claims if claim.start <= offset < claim.end]


# --- select_span ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.name[:3])
def test_select_span_round_trips_offsets_and_context_across_a_whole_seed(path):
    body = path.read_text(encoding="utf-8")
    spans = [(0, 1), (0, 40), (len(body) - 40, len(body)), (len(body) - 1, len(body))]
    spans += [(start, min(len(body), start + length)) for start in range(0, len(body), 97) for length in (1, 33, 250)]

    for start, end in spans:
        if not body[start:end].strip():
            continue
        selector = select_span(body, start, end)
        prefix, suffix = expected_context(body, start, end)
        assert (selector.start, selector.end) == (start, end)
        assert selector.quote == body[start:end]
        assert selector.prefix == prefix
        assert selector.suffix == suffix
        assert len(selector.prefix) == min(PREFIX_SUFFIX_LENGTH, start)
        assert len(selector.suffix) == min(PREFIX_SUFFIX_LENGTH, len(body) - end)
        assert selector.prefix + selector.quote + selector.suffix in body


def test_the_prefix_and_suffix_are_the_32_characters_around_the_span():
    body = "a" * 40 + "THE CLAIM" + "b" * 40
    start, end = span_of(body, "THE CLAIM")

    selector = select_span(body, start, end)

    assert selector.quote == "THE CLAIM"
    assert selector.prefix == "a" * 32
    assert selector.suffix == "b" * 32


def test_a_span_at_the_edges_of_the_body_has_a_short_prefix_or_suffix():
    body = "Opening words, middle words, closing words."

    first = select_span(body, 0, 7)
    last = select_span(body, len(body) - 6, len(body))

    assert (first.quote, first.prefix) == ("Opening", "")
    assert first.suffix == body[7:39]
    assert (last.quote, last.suffix) == ("words.", "")
    assert last.prefix == body[len(body) - 38 : len(body) - 6]


def test_select_span_keeps_the_non_breaking_space_of_seed_001():
    body = seed_bytes("001").decode("utf-8")
    start, end = span_of(body, NBSP_PHRASE)

    selector = select_span(body, start, end)

    assert selector.quote == NBSP_PHRASE
    assert "\u00a0" in selector.quote
    assert selector.quote != "The Sun reported"
    assert end - start == 16  # the NBSP is one code point
    assert selector.prefix == body[start - 32 : start]
    assert selector.suffix == body[end : end + 32]
    assert selector.suffix.startswith(".\n\nA 34-year-old")


def test_select_span_keeps_curly_quotes():
    body = seed_bytes("000").decode("utf-8")
    start, end = span_of(body, CURLY_PHRASE)

    selector = select_span(body, start, end)

    assert selector.quote == CURLY_PHRASE
    assert selector.quote[0] == "\u201c" and selector.quote[-1] == "\u201d"
    assert selector.prefix.endswith("Vladimir Putin’s ")
    assert selector.suffix.startswith(" during an emotional")


def test_select_span_keeps_a_multi_paragraph_span():
    body = seed_bytes("000").decode("utf-8")
    start = body.index("during an emotional press conference")
    end = body.index("They were given the opportunity") + len("They were given")

    selector = select_span(body, start, end)

    assert selector.quote == body[start:end]
    assert selector.quote.count("\n\n") == 2
    assert selector.quote.startswith("during an emotional") and selector.quote.endswith("They were given")


def test_offsets_count_code_points_so_an_astral_character_counts_once():
    start, end = span_of(EMOJI_TEXT, "40 soldiers")
    utf16_start = len(EMOJI_TEXT[:start].encode("utf-16-le")) // 2

    selector = select_span(EMOJI_TEXT, start, end)

    assert selector.quote == "40 soldiers"
    assert len("😀") == 1
    assert utf16_start > start  # JavaScript would count the astral characters twice
    assert selector.prefix == EMOJI_TEXT[start - 32 : start]
    assert "🎖" not in selector.prefix and selector.suffix.startswith(" were captured 🎖")


def test_a_span_made_of_astral_characters_round_trips():
    body = "😀" * 40 + " claim " + "🇺🇦" * 20
    start, end = span_of(body, "😀 claim 🇺")

    selector = select_span(body, start, end)

    assert selector.quote == "😀 claim 🇺"
    assert selector.prefix == "😀" * 32
    assert selector.suffix == "🇦" + "🇺🇦" * 15 + "🇺"


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 5), (5, 5), (6, 5), (0, 44), (43, 44), (100, 120)],
    ids=["negative-start", "empty", "reversed", "past-the-end", "one-past-the-end", "far-outside"],
)
def test_select_span_refuses_a_span_outside_the_body(start, end):
    body = "A body of exactly forty-three characters ok"
    assert len(body) == 43

    with pytest.raises(TextRefused) as refused:
        select_span(body, start, end)

    assert str(refused.value) == f"the span {start}–{end} is outside the article (length 43)"


@pytest.mark.parametrize("blank", ["\n\n", " ", "\u00a0", " \t\n ", "\u2003"])
def test_select_span_refuses_a_span_of_only_white_space(blank):
    body = f"Before{blank}after"

    with pytest.raises(TextRefused, match="^the selection contains only white space$"):
        select_span(body, 6, 6 + len(blank))


def test_select_span_accepts_the_whole_body():
    body = "Just one line."

    selector = select_span(body, 0, len(body))

    assert (selector.quote, selector.prefix, selector.suffix) == (body, "", "")


# --- tag_claim --------------------------------------------------------------------------------


def test_tagging_stores_offsets_quote_and_context_that_round_trip_through_the_database(article, reviewer, category):
    start, end = span_of(article.body, "the governor of the Donetsk region")

    claim = tag(reviewer, article, start, end, category, note="  who says so?  ")

    stored = Claim.objects.get(pk=claim.pk)
    prefix, suffix = expected_context(article.body, start, end)
    assert (stored.start, stored.end) == (start, end)
    assert stored.quote == article.body[start:end] == "the governor of the Donetsk region"
    assert (stored.prefix, stored.suffix) == (prefix, suffix)
    assert len(stored.prefix) == len(stored.suffix) == 32
    assert stored.note == "who says so?"
    assert stored.origin == Claim.Origin.MANUAL
    assert stored.created_by == reviewer
    assert stored.category == category


def test_tagging_writes_one_create_event_for_the_claim(article, reviewer, category):
    start, end = span_of(article.body, "Volnovakha")

    claim = tag(reviewer, article, start, end, category)

    events = AuditEvent.objects.filter(object_type="reviews.claim")
    assert events.count() == 1
    event = events.get()
    assert (event.action, event.object_id, event.team_id) == ("create", str(claim.pk), article.team_id)
    assert event.after["quote"] == "Volnovakha"
    assert (event.after["start"], event.after["end"]) == (start, end)


def test_tagging_a_span_with_the_non_breaking_space_stores_it_exactly(article, reviewer, category):
    start, end = span_of(article.body, NBSP_PHRASE)

    claim = tag(reviewer, article, start, end, category, quote=NBSP_PHRASE)

    stored = Claim.objects.get(pk=claim.pk)
    assert stored.quote == NBSP_PHRASE
    assert stored.quote == Article.objects.get(pk=article.pk).body[stored.start : stored.end]
    assert (stored.prefix, stored.suffix) == expected_context(article.body, start, end)


def test_a_quote_with_a_plain_space_where_the_text_has_a_non_breaking_space_is_refused(article, reviewer, category):
    start, end = span_of(article.body, NBSP_PHRASE)

    with pytest.raises(services.ActionRefused) as refused:
        tag(reviewer, article, start, end, category, quote="The Sun reported")

    assert str(refused.value) == ("The selection does not match the article text at those positions; select it again.")
    assert not Claim.objects.exists()


def test_tagging_a_span_with_curly_quotes_stores_them(team, reviewer, category):
    article = make_article(team, seed_bytes("000").decode("utf-8"), "000.txt")
    start, end = span_of(article.body, CURLY_PHRASE)

    claim = tag(reviewer, article, start, end, category, quote=CURLY_PHRASE)

    stored = Claim.objects.get(pk=claim.pk)
    assert stored.quote == CURLY_PHRASE
    assert (stored.prefix, stored.suffix) == expected_context(article.body, start, end)
    assert str(stored) == f"“{CURLY_PHRASE}”"


def test_a_quote_with_straight_quotes_where_the_text_has_curly_ones_is_refused(team, reviewer, category):
    article = make_article(team, seed_bytes("000").decode("utf-8"), "000.txt")
    start, end = span_of(article.body, CURLY_PHRASE)

    with pytest.raises(services.ActionRefused, match="does not match the article text"):
        tag(reviewer, article, start, end, category, quote='"treacherous invasion"')

    assert not Claim.objects.exists()


def test_tagging_a_multi_paragraph_span_stores_the_paragraph_breaks(article, reviewer, category):
    start = article.body.index("there was nothing remained of the city")
    end = article.body.index("A 34-year-old Russian pleaded") + len("A 34-year-old Russian")
    quote = article.body[start:end]
    assert "\n\n" in quote and "\u00a0" in quote

    claim = tag(reviewer, article, start, end, category, quote=quote)

    stored = Claim.objects.get(pk=claim.pk)
    assert stored.quote == quote
    assert stored.quote.endswith(".\n\nA 34-year-old Russian")
    assert (stored.prefix, stored.suffix) == expected_context(article.body, start, end)


def test_tagging_after_astral_characters_uses_code_point_offsets(team, reviewer, category):
    article = make_article(team, EMOJI_TEXT)
    assert article.body == EMOJI_TEXT
    start, end = span_of(article.body, "40 soldiers were captured 🎖")

    claim = tag(reviewer, article, start, end, category, quote="40 soldiers were captured 🎖")

    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.start, stored.end) == (start, end)
    assert end - start == len("40 soldiers were captured ") + 1
    assert stored.quote == article.body[stored.start : stored.end]
    assert (stored.prefix, stored.suffix) == expected_context(article.body, start, end)
    segments = assert_segments_rebuild(render_body(article.body, marks_of(article)), article.body)
    marked = [segment for segment in segments if segment.claims]
    assert [(segment.start, segment.text) for segment in marked] == [(start, "40 soldiers were captured 🎖")]


def test_a_prefix_of_32_astral_characters_fits_its_column(team, reviewer, category):
    article = make_article(team, "😀" * 40 + " the claim " + "𝒳" * 40)
    start, end = span_of(article.body, "the claim")

    claim = tag(reviewer, article, start, end, category)

    stored = Claim.objects.get(pk=claim.pk)
    assert stored.prefix == "😀" * 31 + " "
    assert stored.suffix == " " + "𝒳" * 31
    assert stored.quote == "the claim"


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 10), (10, 10), (20, 10), (0, 4766), (4765, 4766), (5000, 5010)],
    ids=["negative-start", "empty", "reversed", "past-the-end", "one-past-the-end", "far-outside"],
)
def test_a_span_outside_the_article_is_refused(article, reviewer, category, start, end):
    assert len(article.body) == 4765

    with pytest.raises(services.ActionRefused) as refused:
        tag(reviewer, article, start, end, category)

    assert str(refused.value) == (f"Cannot tag this span: the span {start}–{end} is outside the article (length 4765).")
    assert not Claim.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reviews.claim").exists()


def test_a_span_of_only_a_paragraph_break_is_refused(article, reviewer, category):
    start = article.body.index("\n\n")

    with pytest.raises(services.ActionRefused) as refused:
        tag(reviewer, article, start, start + 2, category, quote="\n\n")

    assert str(refused.value) == "Cannot tag this span: the selection contains only white space."
    assert not Claim.objects.exists()


def test_a_span_of_only_the_non_breaking_space_is_refused(article, reviewer, category):
    start = article.body.index("\u00a0")

    with pytest.raises(services.ActionRefused, match="only white space"):
        tag(reviewer, article, start, start + 1, category)

    assert not Claim.objects.exists()


def test_a_quote_that_does_not_match_the_offsets_is_refused(article, reviewer, category):
    start, end = span_of(article.body, "Volnovakha")

    with pytest.raises(services.ActionRefused) as refused:
        tag(reviewer, article, start + 1, end + 1, category, quote="Volnovakha")

    assert "select it again" in str(refused.value)
    assert not Claim.objects.exists()


def test_an_empty_quote_string_is_checked_too(article, reviewer, category):
    start, end = span_of(article.body, "Volnovakha")

    with pytest.raises(services.ActionRefused, match="does not match the article text"):
        tag(reviewer, article, start, end, category, quote="")

    assert not Claim.objects.exists()


def test_the_same_span_in_the_same_category_is_refused_with_a_message(article, reviewer, reviewer2, category):
    start, end = span_of(article.body, "Volnovakha")
    first = tag(reviewer, article, start, end, category)

    for user in (reviewer, reviewer2):
        with pytest.raises(services.ActionRefused) as refused:
            tag(user, article, start, end, category, quote="Volnovakha")
        assert str(refused.value) == "This exact span is already tagged as “Casualty figures”."

    assert list(Claim.objects.values_list("pk", flat=True)) == [first.pk]
    assert AuditEvent.objects.filter(object_type="reviews.claim").count() == 1


def test_the_same_span_in_another_category_is_allowed(article, reviewer, category):
    start, end = span_of(article.body, "Volnovakha")
    first = tag(reviewer, article, start, end, category)

    second = tag(reviewer, article, start, end, other_category(article.team))

    assert first.pk != second.pk
    assert set(article.claims.values_list("start", "end", "category__slug")) == {
        (start, end, "casualty-figures"),
        (start, end, "geneva-convention"),
    }


def test_a_span_one_character_longer_in_the_same_category_is_allowed(article, reviewer, category):
    start, end = span_of(article.body, "Volnovakha")
    tag(reviewer, article, start, end, category)

    longer = tag(reviewer, article, start, end + 1, category)

    assert longer.quote == article.body[start : end + 1]
    assert article.claims.count() == 2


def test_a_category_of_another_team_is_refused(article, reviewer, other_team):
    foreign = Category.objects.get(team=other_team, slug="casualty-figures")
    start, end = span_of(article.body, "Volnovakha")

    with pytest.raises(services.ActionRefused, match="^That category belongs to another team.$"):
        tag(reviewer, article, start, end, foreign)

    assert not Claim.objects.exists()


def test_someone_outside_the_team_cannot_tag(article, outsider, category):
    start, end = span_of(article.body, "Volnovakha")

    with pytest.raises(services.ActionRefused, match="^You are not a member of this team.$"):
        tag(outsider, article, start, end, category)

    assert not Claim.objects.exists()


# --- render_body ------------------------------------------------------------------------------


def test_a_body_without_claims_renders_as_one_plain_segment():
    body = seed_bytes("001").decode("utf-8")

    segments = assert_segments_rebuild(render_body(body, []), body)

    assert len(segments) == 1
    assert segments[0].tag == "span"
    assert segments[0].attrs == {"data-s": "0"}


def test_overlapping_claims_render_as_flat_segments_that_rebuild_the_body(article, reviewer, category):
    body = article.body
    geneva = other_category(article.team)
    a_start = body.index("Most inhabitants in Volnovakha")
    spans = [
        (a_start, body.index("The Sun\u00a0reported") + len(NBSP_PHRASE), category),  # the long one
        (body.index("according to Pavlo"), body.index("A 34-year-old") + len("A 34-year-old"), geneva),  # overlaps
        (body.index("Pavlo Kyrylenko"), body.index("Pavlo Kyrylenko") + len("Pavlo Kyrylenko"), category),  # nested
        (a_start, body.index("The Sun\u00a0reported") + len(NBSP_PHRASE), geneva),  # the same span again
        (0, 7, category),  # at the very start
        (len(body) - 10, len(body), geneva),  # at the very end
    ]
    claims = [tag(reviewer, article, start, end, cat, quote=body[start:end]) for start, end, cat in spans]

    rendered = render_body(body, marks_of(article))
    segments = assert_segments_rebuild(rendered, body)

    cuts = {0, len(body)} | {claim.start for claim in claims} | {claim.end for claim in claims}
    assert [segment.start for segment in segments] == sorted(cuts - {len(body)})
    for segment in segments:
        active = covering(claims, segment.start)
        if not active:
            assert segment.tag == "span"
            assert segment.claims == []
            continue
        innermost = sorted(active, key=lambda claim: (claim.end - claim.start, claim.pk))
        assert segment.tag == "mark"
        assert segment.claims == [claim.pk for claim in innermost]
        assert f"cat-{innermost[0].category_id}" in segment.classes
        assert "hl" in segment.classes
        assert ("hl-overlap" in segment.classes) == (len(active) > 1)
    assert any("\n\n" in segment.text for segment in segments if segment.claims)
    assert any("\u00a0" in segment.text for segment in segments if segment.claims)
    for claim in claims:
        own = [segment for segment in segments if claim.pk in segment.claims]
        assert "".join(segment.text for segment in own) == claim.quote
        assert own[0].start == claim.start


def test_a_segment_never_straddles_a_claim_boundary(article, reviewer, category):
    body = article.body
    spans = [(100, 300), (150, 200), (199, 420), (420, 421), (300, 301)]
    claims = [tag(reviewer, article, start, end, category) for start, end in spans]

    segments = assert_segments_rebuild(render_body(body, marks_of(article)), body)

    for segment in segments:
        first = {claim.pk for claim in covering(claims, segment.start)}
        for offset in range(segment.start, segment.start + len(segment.text)):
            assert {claim.pk for claim in covering(claims, offset)} == first


def test_adjacent_claims_meet_without_an_empty_segment(article, reviewer, category):
    start, end = span_of(article.body, "Volnovakha")
    left = tag(reviewer, article, start, start + 4, category)
    right = tag(reviewer, article, start + 4, end, category)

    segments = assert_segments_rebuild(render_body(article.body, marks_of(article)), article.body)

    marked = [(segment.start, segment.text, segment.claims) for segment in segments if segment.claims]
    assert marked == [(start, "Voln", [left.pk]), (start + 4, "ovakha", [right.pk])]


def test_the_same_span_in_two_categories_renders_as_one_segment_listing_both(article, reviewer, category):
    start, end = span_of(article.body, NBSP_PHRASE)
    first = tag(reviewer, article, start, end, category)
    second = tag(reviewer, article, start, end, other_category(article.team))

    segments = assert_segments_rebuild(render_body(article.body, marks_of(article)), article.body)

    marked = [segment for segment in segments if segment.claims]
    assert len(marked) == 1
    assert marked[0].text == NBSP_PHRASE
    assert marked[0].claims == [first.pk, second.pk]
    assert marked[0].attrs["data-starts"].split() == [str(first.pk), str(second.pk)]
    assert "hl-overlap" in marked[0].classes


def test_the_rendered_body_escapes_markup_and_still_rebuilds_it(team, reviewer, category):
    text = "Headline <b>bold</b> & co\n\nHe said \"<script>alert('x')</script>\" &amp; left.\n"
    article = make_article(team, text)
    start, end = span_of(article.body, "<script>alert('x')</script>")
    tag(reviewer, article, start, end, category)

    rendered = str(render_body(article.body, marks_of(article)))

    assert "<script>" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;" in rendered and "&amp;amp;" in rendered
    segments = assert_segments_rebuild(rendered, article.body)
    assert [segment.text for segment in segments if segment.claims] == ["<script>alert('x')</script>"]


def test_segment_offsets_after_astral_characters_are_code_points(team, reviewer, category):
    article = make_article(team, EMOJI_TEXT)
    spans = [span_of(article.body, "🇺🇦"), span_of(article.body, "😀 open"), span_of(article.body, "𝒳 in it")]
    for start, end in spans:
        tag(reviewer, article, start, end, category)

    segments = assert_segments_rebuild(render_body(article.body, marks_of(article)), article.body)

    marked = [(segment.start, segment.text) for segment in segments if segment.claims]
    assert marked == [(start, article.body[start:end]) for start, end in spans]
    assert marked[0][0] == 5 and marked[1][0] == EMOJI_TEXT.index("😀") == 19
    assert len(EMOJI_TEXT[:19].encode("utf-16-le")) // 2 == 21  # not what JavaScript's indices would say


def test_the_selected_claim_is_marked_on_each_of_its_segments(article, reviewer, category):
    outer = tag(reviewer, article, 100, 200, category)
    inner = tag(reviewer, article, 150, 160, category)

    segments = parse_segments(render_body(article.body, marks_of(article), selected=inner.pk))

    selected = [segment for segment in segments if "hl-selected" in segment.classes]
    assert [(segment.start, segment.text) for segment in selected] == [(150, article.body[150:160])]
    segments = parse_segments(render_body(article.body, marks_of(article), selected=outer.pk))
    selected = [segment.start for segment in segments if "hl-selected" in segment.classes]
    assert selected == [100, 150, 160]


def test_the_verdict_is_shown_on_the_segment_where_a_claim_ends(article, reviewer, category):
    outer = tag(reviewer, article, 100, 200, category)
    tag(reviewer, article, 120, 130, category)
    marks = [
        replace(mark, verdict="False", verdict_slug="false") if mark.claim_id == outer.pk else mark
        for mark in marks_of(article)
    ]

    segments = parse_segments(render_body(article.body, marks))

    verdicts = {
        segment.start: (segment.attrs["data-verdict"], segment.attrs["data-vslug"])
        for segment in segments
        if "data-verdict" in segment.attrs
    }
    assert verdicts == {120: ("no verdict", "none"), 130: ("False", "false")}
    assert [segment.start for segment in segments if "data-starts" in segment.attrs] == [100, 120]


def test_the_reader_page_renders_segments_that_rebuild_the_stored_body(article, reviewer, category):
    body = article.body
    start = body.index("there was nothing remained")
    end = body.index("A 34-year-old") + len("A 34-year-old")
    tag(reviewer, article, start, end, category, quote=body[start:end])
    tag(reviewer, article, *span_of(body, NBSP_PHRASE), other_category(article.team))
    tag(reviewer, article, *span_of(body, "Russian"), category)

    response = client_for(reviewer).get(f"/articles/{article.pk}/")

    assert response.status_code == 200
    inner = re.search(r'<div class="article-text" id="article-text"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert inner is not None
    segments = assert_segments_rebuild(inner.group(1), body)
    assert sum(1 for segment in segments if segment.claims) >= 4
