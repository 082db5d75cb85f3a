"""How far a team's reviewers agree, and what the verdicts per outlet are: read-only statistics.

Agreement is measured on submitted verdicts (`ReviewQuerySet.counted()`): each claim is a unit and
each reviewer a coder, as in Krippendorff's reliability data. Two figures:

- percent agreement, pairwise: over every claim with two or more verdicts, the share of reviewer
  pairs that chose the same rating. Every label counts, unscored ones (e.g. unverifiable) too.
- Krippendorff's alpha, ordinal, on the rating values. Unscored labels have no place on the scale,
  so those verdicts are left out; alpha is None, with a reason in words, when it is undefined.

The pure functions (`summarise`, `ordinal_alpha`, `verdict_mix_from`) take plain rows; the read
functions each run one query, so a page's query count does not grow with its rows.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import krippendorff
import numpy as np
from django.db.models import Count

from reviews.models import Category, Claim, ClaimQuerySet, Rating, Review, ReviewQuerySet

BASES = ("final", "submitted")
DEFAULT_BASIS = "final"

# Krippendorff (2004, 2011): rely on data with alpha >= .800; draw only tentative conclusions
# from .667 up to .800; below that the coding is not reliable enough to draw any.
RELIABLE = 0.8
TENTATIVE = 0.667


class Verdict(NamedTuple):
    """One submitted verdict, as read from the database: the unit of agreement is the claim."""

    claim_id: int
    reviewer_id: int
    rating_id: int
    value: int
    is_scored: bool
    category_id: int | None = None


@dataclass(frozen=True)
class Agreement:
    """Agreement among the verdicts of one scope (a team, a category, an article)."""

    claims: int  # claims with at least one verdict
    paired_claims: int  # claims with two or more verdicts: the ones agreement is measured on
    verdicts: int
    reviewers: int
    pairs: int
    agreeing_pairs: int
    alpha_claims: int  # claims with two or more scored verdicts: the ones alpha is computed on
    alpha: float | None
    alpha_note: str  # why alpha is None; empty when it is a number

    @property
    def percent(self) -> float | None:
        return 100 * self.agreeing_pairs / self.pairs if self.pairs else None

    @property
    def reading(self) -> str:
        """Krippendorff's rule of thumb for this alpha, in a word: reliable, tentative or unreliable."""
        if self.alpha is None:
            return ""
        if self.alpha >= RELIABLE:
            return "reliable"
        return "tentative" if self.alpha >= TENTATIVE else "unreliable"


# --- pure computation ----------------------------------------------------------------------------


def ordinal_alpha(units: Iterable[Sequence[float]], value_domain: Sequence[float]) -> tuple[float | None, str]:
    """Krippendorff's alpha, ordinal, over units given as the values their coders assigned.

    Units with fewer than two values cannot be paired and are left out. Returns (alpha, "") or
    (None, why): alpha is undefined for fewer than two pairable units, or when every value is the
    same (no variation, so no disagreement to expect).
    """
    domain = sorted(set(value_domain))
    if len(domain) < 2:
        return None, "the rating scale has fewer than two scored labels"
    position = {value: index for index, value in enumerate(domain)}
    pairable = [values for values in units if len(values) >= 2]
    if len(pairable) < 2:
        return None, "fewer than two claims have two or more scored verdicts"
    if len({value for values in pairable for value in values}) < 2:
        return None, "every scored verdict is the same rating, so there is no variation to measure agreement against"
    # value_counts: one row per unit, one column per value of the scale, in scale order.
    counts = np.zeros((len(pairable), len(domain)))
    for row, values in enumerate(pairable):
        for value in values:
            counts[row, position[value]] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 is turned into None below
        result = krippendorff.alpha(value_counts=counts, value_domain=domain, level_of_measurement="ordinal")
    if not math.isfinite(result):
        return None, "there is no variation among the verdicts to measure agreement against"
    return float(result), ""


def summarise(verdicts: Iterable[Verdict], scored_values: Sequence[float]) -> Agreement:
    """Percent agreement and ordinal alpha for verdicts, each claim a unit and each reviewer a coder."""
    by_claim: dict[int, list[Verdict]] = defaultdict(list)
    reviewers: set[int] = set()
    total = 0
    for verdict in verdicts:
        by_claim[verdict.claim_id].append(verdict)
        reviewers.add(verdict.reviewer_id)
        total += 1
    pairs = agreeing = paired_claims = 0
    for claim_verdicts in by_claim.values():
        m = len(claim_verdicts)
        if m < 2:
            continue
        paired_claims += 1
        pairs += m * (m - 1) // 2
        agreeing += sum(n * (n - 1) // 2 for n in Counter(v.rating_id for v in claim_verdicts).values())
    scored_units = [[v.value for v in claim_verdicts if v.is_scored] for claim_verdicts in by_claim.values()]
    alpha, note = ordinal_alpha(scored_units, scored_values)
    return Agreement(
        claims=len(by_claim),
        paired_claims=paired_claims,
        verdicts=total,
        reviewers=len(reviewers),
        pairs=pairs,
        agreeing_pairs=agreeing,
        alpha_claims=sum(len(values) >= 2 for values in scored_units),
        alpha=alpha,
        alpha_note=note,
    )


@dataclass(frozen=True)
class Scale:
    """A team's rating labels in scale order (best scored first, unscored last)."""

    ratings: list[Rating]

    @property
    def scored_values(self) -> list[int]:
        return sorted({rating.value for rating in self.ratings if rating.is_scored})


@dataclass(frozen=True)
class Segment:
    rating: Rating
    count: int
    share: float  # of the bar, 0..1
    offset: float  # where the segment starts, 0..1

    # SVG geometry as percentages of the bar, written with a decimal point whatever the locale.
    @property
    def x(self) -> str:
        return f"{100 * self.offset:.3f}%"

    @property
    def width(self) -> str:
        return f"{100 * self.share:.3f}%"

    @property
    def middle(self) -> str:
        return f"{100 * (self.offset + self.share / 2):.3f}%"

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def labelled(self) -> bool:
        """Whether the segment is wide enough to print its count inside."""
        return self.share >= 0.06


@dataclass(frozen=True)
class OutletBar:
    outlet_id: int | None  # None: articles without an outlet
    name: str
    total: int
    counts: list[int]  # one per rating of the scale, in scale order
    segments: list[Segment]  # the non-empty ones


def verdict_mix_from(rows: Iterable[tuple[int | None, str | None, int, int]], scale: Scale) -> list[OutletBar]:
    """Bars from (outlet id, outlet name, rating id, count) rows: one per outlet by name, "No outlet" last."""
    index = {rating.pk: i for i, rating in enumerate(scale.ratings)}
    names: dict[int | None, str] = {}
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0] * len(scale.ratings))
    for outlet_id, name, rating_id, count in rows:
        if rating_id not in index:  # not on this team's scale; cannot happen through the services
            continue
        names[outlet_id] = name or "No outlet"
        counts[outlet_id][index[rating_id]] += count
    bars = []
    for outlet_id in sorted(counts, key=lambda pk: (pk is None, names[pk].casefold())):
        row = counts[outlet_id]
        total = sum(row)
        segments, offset = [], 0.0
        for rating, count in zip(scale.ratings, row, strict=True):
            if count:
                segments.append(Segment(rating=rating, count=count, share=count / total, offset=offset))
                offset += count / total
        bars.append(OutletBar(outlet_id=outlet_id, name=names[outlet_id], total=total, counts=row, segments=segments))
    return bars


# --- reading from the database: one query each -----------------------------------------------------


def verdicts_of(reviews: ReviewQuerySet) -> list[Verdict]:
    """The submitted verdicts among `reviews`, as plain rows (one query)."""
    rows = reviews.counted().values_list(
        "claim_id", "reviewer_id", "rating_id", "rating__value", "rating__is_scored", "claim__category_id"
    )
    return [Verdict(*row) for row in rows]


def agreement_for(reviews: ReviewQuerySet, scored_values: Sequence[float]) -> Agreement:
    """Agreement among the submitted verdicts in `reviews` (one query)."""
    return summarise(verdicts_of(reviews), scored_values)


def scale_for(team_id: int) -> Scale:
    """The team's ratings in scale order (one query)."""
    return Scale(list(Rating.objects.filter(team_id=team_id).order_by("-is_scored", "-value", "label")))


def verdict_mix(claims: ClaimQuerySet, scale: Scale, basis: str = DEFAULT_BASIS) -> list[OutletBar]:
    """Verdicts per outlet and rating for the claims (one query).

    basis "final": each claim's final verdict; "submitted": every submitted verdict on the claims.
    """
    if basis == "submitted":
        rows = (
            Review.objects.filter(claim__in=claims)
            .counted()
            .values_list("claim__article__outlet_id", "claim__article__outlet__name", "rating_id")
            .annotate(count=Count("id"))
            .order_by()
        )
    else:
        rows = (
            claims.filter(final_rating__isnull=False)
            .values_list("article__outlet_id", "article__outlet__name", "final_rating_id")
            .annotate(count=Count("id"))
            .order_by()
        )
    return verdict_mix_from(rows, scale)


@dataclass(frozen=True)
class CategoryAgreement:
    category: Category
    agreement: Agreement


@dataclass(frozen=True)
class Report:
    """Everything the statistics page shows for a team, or for one article of it."""

    basis: str
    scale: Scale
    agreement: Agreement
    by_category: list[CategoryAgreement]
    outlets: list[OutletBar] = field(default_factory=list)

    @property
    def category_gaps(self) -> bool:
        """Whether any category's percent agreement or alpha is undefined (the table shows a dash)."""
        return any(row.agreement.alpha is None for row in self.by_category)

    @property
    def verdict_total(self) -> int:
        return sum(bar.total for bar in self.outlets)


def report(team_id: int, article_id: int | None = None, basis: str = DEFAULT_BASIS) -> Report:
    """Agreement overall and per category, and the verdict mix per outlet: four queries, whatever the rows."""
    if basis not in BASES:
        basis = DEFAULT_BASIS
    claims = Claim.objects.for_team(team_id)
    if article_id is not None:
        claims = claims.filter(article_id=article_id)
    scale = scale_for(team_id)
    verdicts = verdicts_of(Review.objects.filter(claim__in=claims))
    scored = scale.scored_values
    by_category: dict[int | None, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_category[verdict.category_id].append(verdict)
    categories = Category.objects.filter(team_id=team_id)
    return Report(
        basis=basis,
        scale=scale,
        agreement=summarise(verdicts, scored),
        by_category=[CategoryAgreement(c, summarise(by_category.get(c.pk, []), scored)) for c in categories],
        outlets=verdict_mix(claims, scale, basis),
    )
