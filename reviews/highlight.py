"""Render an article body with its claims highlighted, keeping offsets recoverable in the browser.

The body is cut at every claim boundary into flat segments; each segment is one element holding
one text node and carrying `data-s`, the code-point offset of its first character. The browser maps a
selection back to body offsets from that alone (see static/reviews/reader.js), so overlapping
claims never need nested markup and the visible text is exactly the stored text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Mark:
    claim_id: int
    start: int
    end: int
    category_id: int
    verdict: str = ""  # label shown after the span, empty when there is none yet
    verdict_slug: str = ""


def render_body(body: str, marks: Iterable[Mark], selected: int | None = None) -> SafeString:
    marks = sorted(marks, key=lambda m: (m.start, -m.end, m.claim_id))
    cuts = {0, len(body)}
    for mark in marks:
        cuts.add(mark.start)
        cuts.add(mark.end)
    points = sorted(cuts)
    ends_at: dict[int, list[Mark]] = {}
    for mark in marks:
        ends_at.setdefault(mark.end, []).append(mark)

    parts: list[str] = []
    active: list[Mark] = []
    next_mark = 0
    for a, b in zip(points, points[1:], strict=False):
        active = [m for m in active if m.end > a]
        while next_mark < len(marks) and marks[next_mark].start == a:
            active.append(marks[next_mark])
            next_mark += 1
        text = escape(body[a:b])
        if not active:
            parts.append(f'<span data-s="{a}">{text}</span>')
            continue
        # The innermost (shortest) claim decides the colour; the rest show as depth.
        ordered = sorted(active, key=lambda m: (m.end - m.start, m.claim_id))
        inner = ordered[0]
        classes = ["hl", f"cat-{inner.category_id}"]
        if len(active) > 1:
            classes.append("hl-overlap")
        if selected is not None and any(m.claim_id == selected for m in active):
            classes.append("hl-selected")
        attrs = [
            f'class="{" ".join(classes)}"',
            f'data-s="{a}"',
            f'data-claims="{" ".join(str(m.claim_id) for m in ordered)}"',
        ]
        if any(m.start == a for m in active):
            classes_attr_start = " ".join(str(m.claim_id) for m in active if m.start == a)
            attrs.append(f'data-starts="{classes_attr_start}"')
        closing = [m for m in ends_at.get(b, []) if m in active]
        if closing:
            label = " · ".join(m.verdict or "no verdict" for m in closing)
            attrs.append(f'data-verdict="{escape(label)}"')
            slug = next((m.verdict_slug for m in closing if m.verdict_slug), "none")
            attrs.append(f'data-vslug="{escape(slug)}"')
        parts.append(f"<mark {' '.join(attrs)}>{text}</mark>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
