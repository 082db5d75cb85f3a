"""Render an article body with its claims highlighted, keeping offsets recoverable in the browser.

The body is cut at every claim boundary into flat segments; each segment is one element holding
one text node and carrying `data-s`, the code-point offset of its first character. The browser maps a
selection back to body offsets from that alone (see static/reviews/reader.js), so overlapping
claims never need nested markup and the visible text is exactly the stored text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape  # what django.utils.html.escape does, without wrapping every piece in SafeString
from operator import itemgetter

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Mark:
    claim_id: int
    start: int
    end: int
    category_id: int
    verdict: str = ""  # label shown after the span, empty when there is none yet
    verdict_slug: str = ""


@dataclass(frozen=True)
class Hint:
    """A suggested claim: shown underlined, apart from claims, until someone accepts or dismisses it."""

    suggestion_id: int
    start: int
    end: int
    kind: str


def render_body(
    body: str, marks: Iterable[Mark], selected: int | None = None, hints: Iterable[Hint] = ()
) -> SafeString:
    # One pass over the cut points; this runs on every reader page, so the loop keeps to plain
    # tuples: (end, innermost-first sort key, claim id as text, mark).
    marks = sorted(marks, key=lambda m: (m.start, -m.end, m.claim_id))
    cuts = {0, len(body)}
    hints = sorted(hints, key=lambda h: (h.start, h.end))
    for hint in hints:
        cuts.add(hint.start)
        cuts.add(hint.end)
    for mark in marks:
        cuts.add(mark.start)
        cuts.add(mark.end)
    points = sorted(cuts)
    ends_at: dict[int, list[Mark]] = {}
    for mark in marks:
        ends_at.setdefault(mark.end, []).append(mark)
    entries = [(m.end, (m.end - m.start, m.claim_id), str(m.claim_id), m) for m in marks]

    parts: list[str] = []
    append = parts.append
    active: list[tuple] = []
    next_mark = 0
    live_hints: list[Hint] = []
    next_hint, hint_count = 0, len(hints)
    count = len(marks)
    for a, b in zip(points, points[1:], strict=False):
        if active:
            active = [entry for entry in active if entry[0] > a]
        starts: list[str] = []
        while next_mark < count and marks[next_mark].start == a:
            entry = entries[next_mark]
            active.append(entry)
            starts.append(entry[2])
            next_mark += 1
        text = escape(body[a:b])
        hinted = ""
        if hints:
            # The same sweep as for marks: hints start at cut points, so one pointer and a short list do.
            if live_hints:
                live_hints = [hint for hint in live_hints if hint.end > a]
            while next_hint < hint_count and hints[next_hint].start == a:
                live_hints.append(hints[next_hint])
                next_hint += 1
            here = live_hints
            if here:
                kinds = " ".join(sorted({f"sg-{h.kind}" for h in here}))
                hinted = f' data-sg="{" ".join(str(h.suggestion_id) for h in here)}" data-sgk="{kinds}"'
        if not active:
            if hinted:
                append(f'<span class="sg" data-s="{a}"{hinted}>{text}</span>')
            else:
                append(f'<span data-s="{a}">{text}</span>')
            continue
        # The innermost (shortest) claim decides the colour; the rest show as depth.
        if len(active) > 1:
            ordered = sorted(active, key=_innermost_first)
            classes = f"hl cat-{ordered[0][3].category_id} hl-overlap"
            claims = " ".join([entry[2] for entry in ordered])
        else:
            classes = f"hl cat-{active[0][3].category_id}"
            claims = active[0][2]
        if selected is not None and any(entry[3].claim_id == selected for entry in active):
            classes += " hl-selected"
        if hinted:
            classes += " sg"
        attrs = f'class="{classes}" data-s="{a}" data-claims="{claims}"{hinted}'
        if starts:  # the marks that start here are exactly the ones just added, in `active` order
            attrs += f' data-starts="{" ".join(starts)}"'
        ending = ends_at.get(b)
        if ending:
            # A mark ending at b is active on [a, b) exactly when it started at or before a.
            closing = [m for m in ending if m.start <= a]
            if closing:
                label = " · ".join([m.verdict or "no verdict" for m in closing])
                slug = next((m.verdict_slug for m in closing if m.verdict_slug), "none")
                attrs += f' data-verdict="{escape(label)}" data-vslug="{escape(slug)}"'
        append(f"<mark {attrs}>{text}</mark>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


_innermost_first = itemgetter(1)  # (length, claim id) of an entry


def render_claim_list(reader_url: str, claims: list[tuple[Mark, str]]) -> SafeString:
    """The list of an article's claims (mark and quote), each a real link that opens its panel."""
    items = []
    for mark, quote in claims:
        short = " ".join(quote.split())
        if len(short) > 90:
            short = short[:89].rstrip() + "…"
        verdict = ""
        if mark.verdict:
            verdict = f' <span class="verdict v-{escape(mark.verdict_slug)}">{escape(mark.verdict)}</span>'
        items.append(
            f'<li><span class="swatch cat-{mark.category_id}"></span>'
            f'<a href="{reader_url}?claim={mark.claim_id}#claim-panel" data-claim="{mark.claim_id}">{escape(short)}</a>'
            f"{verdict}</li>"
        )
    return mark_safe("".join(items))  # quotes and labels are escaped; the rest is numbers and our URL


@dataclass(frozen=True)
class SuggestionItem:
    """One pending suggestion as the reader lists it, with what it needs to be accepted or dismissed."""

    suggestion_id: int
    kind: str
    kind_label: str
    quote: str
    summary: str
    version: int
    matched: tuple[tuple[str, str, str, str], ...] = ()  # (claim url, outlet or title, final label, final slug)


def render_suggestion_list(
    items: Iterable[SuggestionItem], csrf_token: str, accept_url: str, dismiss_url: str
) -> SafeString:
    """The reader's list of suggestions with their Accept and Dismiss forms (htmx and plain posts alike).

    Built here rather than in the template for the same reason as the claim list: the reader is the hot
    page, and forty template-rendered items with six tags each cost more than the rest of the page.
    The URLs are those of suggestion 0; each item puts its own id in their place.
    """
    token = escape(csrf_token)
    rows = []
    for item in items:
        pk = item.suggestion_id
        short = " ".join(item.quote.split())
        if len(short) > 140:
            short = short[:139].rstrip() + "…"
        summary = f' <span class="small muted">{escape(item.summary)}</span>' if item.summary else ""
        matched = "".join(
            f' <span class="small matched">Same claim as <a href="{escape(url)}">{escape(label)}</a>'
            + (f' <span class="verdict v-{escape(slug)}">Final: {escape(final)}</span>' if final else "")
            + "</span>"
            for url, label, final, slug in item.matched
        )
        accept, dismiss = accept_url.replace("/0/", f"/{pk}/", 1), dismiss_url.replace("/0/", f"/{pk}/", 1)
        rows.append(
            f'<li id="suggestion-{pk}" class="suggestion" data-suggestion="{pk}">'
            f'<div class="sg-text"><span class="sg-chip sg-{escape(item.kind)}">{escape(item.kind_label)}</span>'
            f" <q>{escape(short)}</q>{summary}{matched}</div>"
            f'<div class="suggestion-actions">'
            f'<form method="post" action="{accept}" class="inline" hx-post="{accept}" hx-target="#claim-panel"'
            f' hx-swap="outerHTML"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<button type="submit">Accept as claim</button></form>'
            f'<form method="post" action="{dismiss}" class="inline dismiss-form" hx-post="{dismiss}" hx-swap="none">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<input type="hidden" name="version" value="{item.version}">'
            f'<label class="sr-only" for="dismiss-reason-{pk}">Why is this not a claim?</label>'
            f'<input type="text" name="reason" id="dismiss-reason-{pk}" maxlength="1000" required'
            f' placeholder="Why not a claim?"><button type="submit" class="link danger">Dismiss</button></form>'
            f'<span class="errors small" id="suggestion-error-{pk}" role="alert"></span></div></li>'
        )
    return mark_safe("".join(rows))  # every piece of text is escaped; the rest is numbers and fixed markup
