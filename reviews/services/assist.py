"""Claim assistance: suggested claims, the same claim across articles, verdict adoption.

All of it assists; a person decides. The detector's suggestions wait until someone accepts one (it
becomes a claim, marked as suggested) or dismisses it with a reason. Claims that state the same thing
in different articles are linked into a cluster as they are made; a verdict approved on one member
is offered to the others, never applied to them. Every change is a model save, so it is audited.
"""

from __future__ import annotations

import threading

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from reviews.audit import audit_reason, performed_by, within_team
from reviews.defaults import KIND_CATEGORY
from reviews.detect import ATTRIBUTION, detect
from reviews.detect.chains import chain_for
from reviews.detect.detector import sentence_around
from reviews.detect.figures import Figure, figures_disagree
from reviews.detect.match import MIN_SCORE, MatchIndex, match_key, similarity
from reviews.models import MAX_REASON_LENGTH, Article, Category, Claim, ClaimCluster, Review, Suggestion
from reviews.services import ActionRefused, _lock, _require_member, tag_claim

# --- suggestions ---------------------------------------------------------------------------------


def _details(candidate, sentence_candidates, text: str) -> dict:
    details: dict = {}
    if candidate.figure is not None:
        details["figure"] = candidate.figure.as_dict()
    if candidate.source:
        details["source"] = candidate.source
    if candidate.category == ATTRIBUTION:
        chain = chain_for(candidate, sentence_candidates, text)
        if chain is not None:
            details["hops"] = [hop.as_dict() for hop in chain.hops]
    return details


def suggest_claims(*, article: Article, user: AbstractBaseUser | None = None) -> int:
    """Run the detector on the article and keep what it finds as pending suggestions.

    Suggestions someone already accepted or dismissed stay as they are; pending ones the detector no
    longer finds are removed. Returns how many new suggestions there are. With `user`, only a member
    of the article's team may ask; without, the caller is the system (an import).
    """
    if user is not None:
        _require_member(user, article.team)
    candidates = detect(article.body)
    by_sentence: dict[tuple[int, int], list] = {}
    for candidate in candidates:
        by_sentence.setdefault(candidate.sentence, []).append(candidate)
    found = {(c.start, c.end, c.category): c for c in candidates}
    sentence_matches = _matches_by_sentence(article, by_sentence)

    def matches(candidate) -> list[int]:
        # An attribution names a source, not a claim: only claims are matched with claims elsewhere.
        return [] if candidate.category == ATTRIBUTION else sentence_matches[candidate.sentence]

    created = 0
    with transaction.atomic(), within_team(article.team_id):
        existing = {(s.start, s.end, s.kind): s for s in Suggestion.objects.filter(article=article)}
        for key, suggestion in existing.items():
            if suggestion.status != Suggestion.Status.PENDING:
                continue
            if key not in found:
                suggestion.delete()
            elif suggestion.details.get("matches", []) != matches(found[key]):
                suggestion.details = {**suggestion.details, "matches": matches(found[key])}
                suggestion.save(update_fields=["details"])
        for key, candidate in found.items():
            if key in existing:
                continue
            details = _details(candidate, by_sentence[candidate.sentence], article.body)
            if matches(candidate):
                details["matches"] = matches(candidate)
            Suggestion(
                article=article,
                start=candidate.start,
                end=candidate.end,
                quote=candidate.quote,
                kind=candidate.category,
                details=details,
            ).save()
            created += 1
    return created


def _matches_by_sentence(article: Article, by_sentence: dict[tuple[int, int], list]) -> dict[tuple[int, int], list]:
    """For each sentence with a candidate, the ids of claims in the team's other articles that state the same."""
    index = team_index(article.team_id)
    found = {}
    for start, end in by_sentence:
        key = match_key(article.body[start:end])
        hits = index.query(key, limit=3, exclude=lambda item: item[1] == article.pk)
        found[(start, end)] = [match.id[0] for match in hits]
    return found


def _check_pending(suggestion: Suggestion, expected_version: int | None) -> None:
    if suggestion.status != Suggestion.Status.PENDING:
        who = suggestion.decided_by.get_username() if suggestion.decided_by else "someone"
        raise ActionRefused(f"This suggestion was already {suggestion.get_status_display().lower()} by {who}.")
    if expected_version is not None and suggestion.version != expected_version:
        raise ActionRefused("This suggestion changed since you loaded the page; reload to see it.")


@performed_by("user")
def accept_suggestion(*, user: AbstractBaseUser, suggestion: Suggestion, expected_version: int | None = None) -> Claim:
    """Make the suggestion a claim of its kind's category, recorded as suggested by the detector."""
    article = suggestion.article
    _require_member(user, article.team)
    category = Category.objects.filter(team_id=article.team_id, slug=KIND_CATEGORY[suggestion.kind]).first()
    if category is None:
        raise ActionRefused(f"The team has no “{suggestion.get_kind_display()}” category to file this under.")
    with transaction.atomic(), within_team(article.team_id):
        locked = _lock(Suggestion, suggestion.pk, "This suggestion is gone; the article was analysed again.")
        _check_pending(locked, expected_version)
        existing = Claim.objects.filter(article=article, start=locked.start, end=locked.end, category=category).first()
        claim = existing or tag_claim(
            user=user,
            article=article,
            start=locked.start,
            end=locked.end,
            category=category,
            quote=locked.quote,
            origin=Claim.Origin.SUGGESTED,
        )
        locked.claim = claim
        _decide(locked, user, Suggestion.Status.ACCEPTED)
    return claim


@performed_by("user")
def dismiss_suggestion(
    *, user: AbstractBaseUser, suggestion: Suggestion, reason: str, expected_version: int | None = None
) -> Suggestion:
    """Set the suggestion aside with the reason why it is not a claim."""
    _require_member(user, suggestion.article.team)
    reason = " ".join(reason.split())
    if not reason:
        raise ActionRefused("Say why this is not a claim: the reason is kept with the dismissal.")
    if len(reason) > MAX_REASON_LENGTH:
        raise ActionRefused(f"The reason is longer than {MAX_REASON_LENGTH} characters.")
    with transaction.atomic(), within_team(suggestion.article.team_id), audit_reason(reason):
        locked = _lock(Suggestion, suggestion.pk, "This suggestion is gone; the article was analysed again.")
        _check_pending(locked, expected_version)
        locked.reason = reason
        _decide(locked, user, Suggestion.Status.DISMISSED)
    return locked


def _decide(suggestion: Suggestion, user: AbstractBaseUser, status: str) -> None:
    suggestion.status = status
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.version += 1
    suggestion.save()


# --- the same claim across articles ----------------------------------------------------------------

_indexes: dict[int, tuple[MatchIndex, int]] = {}
_indexes_lock = threading.Lock()


def team_index(team_id: int) -> MatchIndex:
    """The team's claims by match key, kept in memory per process and topped up with newer claims.

    A claim's key never changes (its span does not), so only claims made since the last use are
    read. Removed claims stay in the index until the process restarts; `linked_claims` drops them.
    """
    with _indexes_lock:
        index, last_id = _indexes.get(team_id, (MatchIndex(), 0))
        rows = list(
            Claim.objects.for_team(team_id)
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "article_id", "category_id", "match_key")
        )
        unkeyed = {pk for pk, _, _, key in rows if not key}  # claims made before claims had match keys
        keys = {
            pk: match_key(sentence_text(body, start, end))
            for pk, start, end, body in Claim.objects.filter(pk__in=unkeyed).values_list(
                "pk", "start", "end", "article__body"
            )
        }
        for pk, article_id, category_id, key in rows:
            index.add((pk, article_id, category_id), key or keys.get(pk, ""))
            last_id = pk
        _indexes[team_id] = (index, last_id)
        return index


def sentence_text(body: str, start: int, end: int) -> str:
    sentence_start, sentence_end = sentence_around(body, start, end)
    return body[sentence_start:sentence_end]


def describe_claim(claim: Claim, body: str) -> None:
    """Fill in the claim's match key and figure from its sentence and quote (before its first save)."""
    claim.match_key = match_key(sentence_text(body, claim.start, claim.end))
    figures = [c.figure for c in detect(claim.quote) if c.figure is not None]
    if not figures:
        sentence_start, _ = sentence_around(body, claim.start, claim.end)
        figures = [
            c.figure
            for c in detect(sentence_text(body, claim.start, claim.end))
            if c.figure is not None and sentence_start + c.end > claim.start and sentence_start + c.start < claim.end
        ]
    claim.figure = figures[0].as_dict() if figures else None


def link_claim(claim: Claim) -> ClaimCluster | None:
    """Put a new claim in the cluster of the best matching claim in another article, if any."""
    team_id = claim.article.team_id
    index = team_index(team_id)
    # The same claim: another article, the same category (a sentence can carry a figure and an attack).
    matches = index.query(
        claim.match_key, exclude=lambda item: item[1] == claim.article_id or item[2] != claim.category_id
    )
    if not matches:
        return None
    ids = [match.id[0] for match in matches]
    others = {c.pk: c for c in Claim.objects.filter(pk__in=ids).select_for_update(of=("self",)).order_by()}
    # The index is per process and may hold a claim whose transaction was rolled back: check the row.
    best = next(
        (others[pk] for pk in ids if pk in others and similarity(claim.match_key, others[pk].match_key) >= MIN_SCORE),
        None,
    )
    if best is None:
        return None
    cluster = best.cluster
    if cluster is None:
        cluster = ClaimCluster(team_id=team_id)
        cluster.save()
        best.cluster = cluster
        best.save(update_fields=["cluster"])
    claim.cluster = cluster
    claim.save(update_fields=["cluster"])
    index.add((claim.pk, claim.article_id, claim.category_id), claim.match_key)
    _refresh_flag(cluster)
    return cluster


def _refresh_flag(cluster: ClaimCluster) -> None:
    """Flag the cluster when its members' figures for the same thing disagree."""
    disagree = cluster_figures_disagree(list(Claim.objects.filter(cluster=cluster).order_by()))
    if cluster.figures_disagree != disagree:
        cluster.figures_disagree = disagree
        cluster.save(update_fields=["figures_disagree"])


@performed_by("user")
def unlink_claim(*, user: AbstractBaseUser, claim: Claim, reason: str = "") -> None:
    """Take a claim out of its cluster: it does not state the same thing as the others."""
    _require_member(user, claim.article.team)
    with transaction.atomic(), within_team(claim.article.team_id), audit_reason(reason or "not the same claim"):
        locked = _lock(Claim, claim.pk, "This claim was removed meanwhile.")
        if locked.cluster_id is None:
            raise ActionRefused("This claim is not linked to claims in other articles.")
        cluster_id = locked.cluster_id
        locked.cluster = None
        locked.save(update_fields=["cluster"])
        remaining = list(Claim.objects.filter(cluster_id=cluster_id).order_by())
        cluster = ClaimCluster.objects.select_for_update().get(pk=cluster_id)
        if len(remaining) < 2:
            for other in remaining:
                other.cluster = None
                other.save(update_fields=["cluster"])
            cluster.delete()
        else:
            _refresh_flag(cluster)


def linked_claims(claim: Claim) -> list[Claim]:
    """The other members of the claim's cluster, with their article, outlet and final verdict."""
    if claim.cluster_id is None:
        return []
    return list(
        Claim.objects.filter(cluster_id=claim.cluster_id)
        .exclude(pk=claim.pk)
        .select_related("article__outlet", "final_rating", "decided_by")
        .order_by("article__title", "start")
    )


def claim_chains(claim: Claim) -> list[list[dict]]:
    """The attribution chains (hops nearest first) found in the claim's sentence, unless dismissed."""
    start, end = sentence_around(claim.article.body, claim.start, claim.end)
    rows = (
        Suggestion.objects.filter(
            article_id=claim.article_id, kind=Suggestion.Kind.ATTRIBUTION, start__lt=end, end__gt=start
        )
        .exclude(status=Suggestion.Status.DISMISSED)
        .order_by("start")
        .values_list("details", flat=True)
    )
    return [details["hops"] for details in rows if details.get("hops")]


def cluster_figures_disagree(claims: list[Claim]) -> bool:
    figures = [Figure(**claim.figure) for claim in claims if claim.figure]
    return figures_disagree(figures)


def approved_verdicts(claims: list[Claim]) -> dict[int, Review]:
    """For each claim with one, the verdict approved on it that can be adopted elsewhere: the one that
    made it final, else the first approved. One query, however many claims."""
    chosen: dict[int, Review] = {}
    finals = {claim.pk: claim.final_rating_id for claim in claims}
    reviews = Review.objects.filter(claim__in=claims, state=Review.State.APPROVED).exclude(rating=None)
    for review in reviews.select_related("rating", "reviewer").order_by("decided_at", "pk"):
        kept = chosen.get(review.claim_id)
        final = finals[review.claim_id]
        if kept is None or (kept.rating_id != final and review.rating_id == final):
            chosen[review.claim_id] = review
    return chosen


@performed_by("user")
def adopt_verdict(*, user: AbstractBaseUser, claim: Claim, source: Claim) -> Review:
    """Submit, as the user's own verdict on `claim`, the verdict approved on `source` in the same cluster.

    The adopted verdict goes through moderation like any other; nothing is applied to the claim itself.
    """
    from reviews.services import save_review
    from reviews.services.moderation import submit_review

    _require_member(user, claim.article.team)
    if claim.cluster_id is None or claim.cluster_id != source.cluster_id or claim.pk == source.pk:
        raise ActionRefused("That claim is not linked to this one.")
    approved = approved_verdicts([source]).get(source.pk)
    if approved is None:
        raise ActionRefused("That claim has no approved verdict to adopt.")
    outlet = source.article.outlet.name if source.article.outlet else source.article.title
    rationale = f"Adopted from claim #{source.pk} ({outlet}), approved verdict by {approved.reviewer.get_username()}."
    if approved.rationale:
        rationale += f"\n\n{approved.rationale}"
    with transaction.atomic(), audit_reason(f"adopted the verdict approved on claim #{source.pk}"):
        review = save_review(
            user=user,
            claim=claim,
            rating=approved.rating,
            rationale=rationale[:10_000],
            confidence=approved.confidence,
        )
        review = submit_review(user=user, review=review)
    return review


def claim_links(claim: Claim) -> dict:
    """For the claim panel: the same claim in other articles, figures side by side, verdicts to adopt."""
    linked = linked_claims(claim)
    chains = claim_chains(claim)
    if not linked:
        return {"linked": [], "figures_disagree": False, "chains": chains}
    approved = approved_verdicts(linked)
    for other in linked:
        other.approved_verdict = approved.get(other.pk)
        other.figure_text = Figure(**other.figure).describe() if other.figure else ""
    return {
        "linked": linked,
        "figures_disagree": cluster_figures_disagree([claim, *linked]),
        "own_figure": Figure(**claim.figure).describe() if claim.figure else "",
        "chains": chains,
    }
