"""Every change of state, as verb-first functions.

Pages, htmx fragments, the admin and management commands all call these, so permissions,
transactions and locking live here and nowhere else. The audit event for each change is written
by `reviews.audit` inside the same transaction. A refused action raises `ActionRefused` with a
message meant for the person who tried it, and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from reviews import defaults
from reviews.audit import performed_by, within_team
from reviews.models import (
    MAX_EXCERPT_LENGTH,
    MAX_RATIONALE_LENGTH,
    Article,
    Category,
    Claim,
    Evidence,
    Membership,
    Outlet,
    Rating,
    Review,
    Role,
    Team,
)
from reviews.text import MAX_ARTICLE_BYTES, TextRefused, content_hash, decode_article, derive_meta, select_span


class ActionRefused(Exception):
    """The action is not allowed or not possible; str(exc) says why, for the user."""


# --- teams -------------------------------------------------------------------------------------


def create_team(*, name: str, slug: str) -> Team:
    """Create a team with the default categories and rating scale."""
    with transaction.atomic():
        team = Team.objects.create(name=name, slug=slug)
        seed_team_defaults(team)
    return team


def seed_team_defaults(team: Team) -> None:
    """Give a team the default categories and ratings it lacks; existing ones are left alone."""
    for position, (slug, name, colour, description) in enumerate(defaults.CATEGORIES):
        Category.objects.get_or_create(
            team=team,
            slug=slug,
            defaults={"name": name, "colour": colour, "description": description, "position": position},
        )
    for slug, label, value, is_scored in defaults.RATINGS:
        Rating.objects.get_or_create(
            team=team, slug=slug, defaults={"label": label, "value": value, "is_scored": is_scored}
        )


def add_member(*, team: Team, user: AbstractBaseUser, role: str) -> Membership:
    """Make the user a member of the team with the role, or change the role they have."""
    membership, _ = Membership.objects.update_or_create(team=team, user=user, defaults={"role": role})
    return membership


def role_in(user: AbstractBaseUser, team: Team) -> str | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, team=team).values_list("role", flat=True).first()


def _require_member(user: AbstractBaseUser, team: Team, *roles: str) -> str:
    role = role_in(user, team)
    if role is None:
        raise ActionRefused("You are not a member of this team.")
    if roles and role not in roles:
        wanted = " or ".join(Role(r).label.lower() for r in roles)
        raise ActionRefused(f"Only a team {wanted} may do this.")
    return role


# --- articles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    source: str
    status: str  # "imported", "duplicate" or "failed"
    message: str
    article: Article | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@performed_by("actor")
def import_article(
    *,
    team: Team,
    data: bytes,
    source: str,
    actor: AbstractBaseUser | None = None,
    title: str = "",
    outlet_name: str | None = None,
) -> ImportResult:
    """Import one text file into the team, all or nothing.

    The same text imported again is a no-op reported as a duplicate. `actor` is the person
    importing (who must be an owner of the team); None means a system process such as a command.
    The title and outlet are derived from the text unless given.
    """
    from reviews.services.assist import suggest_claims

    if actor is not None:
        _require_member(actor, team, Role.OWNER)
    try:
        body = decode_article(data)
    except TextRefused as exc:
        return ImportResult(source, "failed", str(exc))
    digest = content_hash(body)
    existing = Article.objects.filter(team=team, content_hash=digest).first()
    if existing is not None:
        return ImportResult(source, "duplicate", f"same text as “{existing.title}”, not imported again", existing)
    meta = derive_meta(body)
    outlet_name = (meta.outlet if outlet_name is None else outlet_name).strip()
    try:
        with transaction.atomic():
            outlet = Outlet.objects.get_or_create(name=outlet_name)[0] if outlet_name else None
            article = Article.objects.create(
                team=team,
                title=title.strip()[:300] or meta.title,
                body=body,
                outlet=outlet,
                source=source[:500],
                content_hash=digest,
                imported_by=actor,
            )
            suggest_claims(article=article)
    except IntegrityError:  # the same text arrived concurrently
        existing = Article.objects.get(team=team, content_hash=digest)
        return ImportResult(source, "duplicate", f"same text as “{existing.title}”, not imported again", existing)
    return ImportResult(source, "imported", f"imported as “{article.title}”", article)


def import_paths(*, team: Team, paths: list[str]) -> list[ImportResult]:
    """Import .txt files and folders of them, by a system process; one result per file or bad path."""
    results: list[ImportResult] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
            if not files:
                results.append(ImportResult(raw, "failed", "folder contains no .txt files"))
            results.extend(_import_file(team, file) for file in files)
        elif path.is_file():
            results.append(_import_file(team, path))
        else:
            results.append(ImportResult(raw, "failed", "no such file or folder"))
    return results


def _import_file(team: Team, path: Path) -> ImportResult:
    try:
        with path.open("rb") as file:
            # One byte past the limit is enough for decode_article to refuse an oversized file.
            data = file.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        return ImportResult(str(path), "failed", f"cannot be read: {exc.strerror}")
    return import_article(team=team, data=data, source=path.name)


@performed_by("user")
def update_article(
    *, user: AbstractBaseUser, article: Article, title: str, outlet_name: str, source: str, body: str | None = None
) -> Article:
    """Change an article's details. Its body may change only while no claim points into it."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        _require_member(user, article.team, Role.OWNER, Role.MODERATOR)
        if body is not None and body != article.body:
            if article.claims.exists():
                raise ActionRefused("The text cannot change: claims point into it.")
            if not body.strip():
                raise ActionRefused("The text cannot be empty.")
            article.body = body
            article.content_hash = content_hash(body)
        article.title = title.strip()[:300] or derive_meta(article.body).title
        article.source = source
        article.outlet = Outlet.objects.get_or_create(name=outlet_name.strip())[0] if outlet_name.strip() else None
        try:
            with transaction.atomic():
                article.save()
        except IntegrityError:
            raise ActionRefused("Another article of this team has exactly this text.") from None
    return article


@performed_by("user")
def delete_article(*, user: AbstractBaseUser, article: Article) -> None:
    """Delete an article with its claims, reviews and evidence (owners only)."""
    with transaction.atomic():
        _require_member(user, article.team, Role.OWNER)
        locked = _lock(Article, article.pk, "This article was already deleted.")
        # Claims before their reviews, as every workflow step locks them: the cascade then never
        # meets a verdict being saved halfway, and no new verdict can start meanwhile.
        list(Claim.objects.select_for_update().filter(article=locked).order_by("pk").values_list("pk", flat=True))
        with within_team(locked.team_id):
            locked.delete()


# --- claims ------------------------------------------------------------------------------------


@performed_by("user")
def tag_claim(
    *,
    user: AbstractBaseUser,
    article: Article,
    start: int,
    end: int,
    category: Category,
    note: str = "",
    quote: str | None = None,
    origin: str = Claim.Origin.MANUAL,
) -> Claim:
    """Mark body[start:end] as a claim of the category.

    When `quote` is given (the text the person selected) it must equal the stored text at those
    offsets, so a claim never points at something other than what was selected. The same span
    cannot be tagged twice in the same category.
    """
    from reviews.services.assist import describe_claim, link_claim

    _require_member(user, article.team)
    if category.team_id != article.team_id:
        raise ActionRefused("That category belongs to another team.")
    duplicate_message = f"This exact span is already tagged as “{category.name}”."
    with transaction.atomic():
        # Locked, so the text cannot change between reading the span and saving the claim.
        article = _lock(Article, article.pk, "This article was deleted meanwhile.")
        try:
            selector = select_span(article.body, start, end)
        except TextRefused as exc:
            raise ActionRefused(f"Cannot tag this span: {exc}.") from None
        if quote is not None and quote != selector.quote:
            raise ActionRefused("The selection does not match the article text at those positions; select it again.")
        if Claim.objects.filter(article=article, start=start, end=end, category=category).exists():
            raise ActionRefused(duplicate_message)
        try:
            with transaction.atomic():
                claim = Claim(
                    article=article,
                    start=selector.start,
                    end=selector.end,
                    quote=selector.quote,
                    prefix=selector.prefix,
                    suffix=selector.suffix,
                    category=category,
                    note=note.strip()[:500],
                    origin=origin,
                    created_by=user,
                )
                describe_claim(claim, article.body)
                claim.save()
                with within_team(article.team_id):
                    link_claim(claim)
        except IntegrityError:  # tagged by someone else a moment ago
            raise ActionRefused(duplicate_message) from None
    return claim


def claim_removal_refusal(user: AbstractBaseUser, claim: Claim) -> str:
    """Why the user may not remove the claim, or "" when they may.

    Its creator may remove it while nobody else has reviewed it; a moderator or owner always may.
    """
    role = role_in(user, claim.article.team)
    if role is None:
        return "You are not a member of this team."
    if role == Role.REVIEWER:
        if claim.created_by_id != user.pk:
            return "Only the person who marked this claim, or a moderator, may remove it."
        if claim.reviews.exclude(reviewer=user).exists():
            return "Others have reviewed this claim; ask a moderator to remove it."
    return ""


@performed_by("user")
def delete_claim(*, user: AbstractBaseUser, claim: Claim) -> None:
    """Remove a claim with its reviews and evidence, if `claim_removal_refusal` allows it."""
    with transaction.atomic():
        locked = _lock(Claim, claim.pk, "This claim was already removed.")
        locked.article = claim.article
        refusal = claim_removal_refusal(user, locked)
        if refusal:
            raise ActionRefused(refusal)
        with within_team(claim.article.team_id):
            locked.delete()


# --- reviews and evidence ----------------------------------------------------------------------


@performed_by("user")
def save_review(
    *,
    user: AbstractBaseUser,
    claim: Claim,
    rating: Rating | None,
    rationale: str,
    confidence: int,
    expected_version: int | None = None,
) -> Review:
    """Create or update the user's own review of the claim (one per claim and reviewer).

    Only a draft can change; editing a review a moderator sent back makes it a draft again.
    `expected_version` is the version the user's form showed: if the review moved on since, nothing
    is saved and `Conflict` says so.
    """
    from reviews.services.moderation import _check_version, refresh_claim_status, reopen_for_edit

    _require_member(user, claim.article.team)
    if rating is not None and rating.team_id != claim.article.team_id:
        raise ActionRefused("That rating belongs to another team's scale.")
    if confidence not in Review.Confidence.values:
        raise ActionRefused("Confidence must be low, medium or high.")
    if len(rationale) > MAX_RATIONALE_LENGTH:
        raise ActionRefused(f"The rationale is longer than {MAX_RATIONALE_LENGTH} characters.")
    with transaction.atomic():
        locked_claim = _lock(Claim, claim.pk, "This claim was removed meanwhile.")
        locked_claim.article = claim.article
        review = Review.objects.select_for_update().filter(claim=claim, reviewer=user).order_by().first()
        if review is None:
            if expected_version:  # the form showed a review that is gone
                raise ActionRefused("Your review was removed meanwhile; reload to start again.")
            review = Review(claim=locked_claim, reviewer=user)
        else:
            _check_version(review, expected_version, "Your review")
            unchanged = (review.rating_id, review.rationale, review.confidence) == (
                rating.pk if rating else None,
                rationale.strip(),
                confidence,
            )
            if review.state == Review.State.DRAFT and unchanged:
                return review  # nothing to save: no new version, no event
            if review.state == Review.State.CHANGES_REQUESTED:
                reopen_for_edit(review)  # back to draft, even when only evidence is to change
            elif review.state not in EDITABLE_STATES:
                raise ActionRefused(f"This review is {review.get_state_display().lower()} and can no longer be edited.")
            else:
                review.version += 1
        review.claim = locked_claim  # keeps the loaded claim and article for the audit event
        review.rating = rating
        review.rationale = rationale.strip()
        review.confidence = confidence
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:  # a second tab created it at the same moment
            raise ActionRefused("Your review was saved from another window meanwhile; reload to see it.") from None
        refresh_claim_status(locked_claim)
    return review


EDITABLE_STATES = (Review.State.DRAFT, Review.State.CHANGES_REQUESTED)


def _lock(model: type, pk: int, gone: str):
    """The row, locked until the transaction ends; ActionRefused(gone) if it no longer exists."""
    # No ordering: a default ordering through a relation (Claim orders by article) would lock that row too.
    locked = model.objects.select_for_update().filter(pk=pk).order_by().first()
    if locked is None:
        raise ActionRefused(gone)
    return locked


def _require_editable_own_review(user: AbstractBaseUser, review: Review) -> Review:
    """The user's own review, locked and still editable; call inside a transaction."""
    if review.reviewer_id != user.pk:
        raise ActionRefused("You can change only your own reviews and evidence.")
    _require_member(user, review.claim.article.team)
    locked = _lock(Review, review.pk, "This review no longer exists.")
    if locked.state not in EDITABLE_STATES:
        raise ActionRefused(f"This review is {locked.get_state_display().lower()} and can no longer be edited.")
    locked.claim = review.claim
    return locked


def _check_url(url: str) -> str:
    url = url.strip()
    if url and urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ActionRefused("Evidence links must start with http:// or https://.")
    if len(url) > 2000:
        raise ActionRefused("Evidence links may be at most 2,000 characters long.")
    return url


def _check_excerpt(excerpt: str) -> str:
    if len(excerpt) > MAX_EXCERPT_LENGTH:
        raise ActionRefused(f"The excerpt is longer than {MAX_EXCERPT_LENGTH} characters.")
    return excerpt.strip()


@performed_by("user")
def add_evidence(
    *,
    user: AbstractBaseUser,
    review: Review,
    url: str = "",
    document_ref: str = "",
    excerpt: str = "",
    stance: str = Evidence.Stance.CONTEXT,
) -> Evidence:
    """Attach a piece of evidence to the user's own review while it is editable."""
    url = _check_url(url)
    if not url and not document_ref.strip():
        raise ActionRefused("Give a link or a document reference for the evidence.")
    if stance not in Evidence.Stance.values:
        raise ActionRefused("Stance must be supports, refutes or context.")
    with transaction.atomic():
        review = _require_editable_own_review(user, review)
        evidence = Evidence(
            review=review,
            url=url,
            document_ref=document_ref.strip(),
            excerpt=_check_excerpt(excerpt),
            stance=stance,
            added_by=user,
        )
        evidence.save()
    return evidence


@performed_by("user")
def update_evidence(
    *, user: AbstractBaseUser, evidence: Evidence, url: str, document_ref: str, excerpt: str, stance: str
) -> Evidence:
    """Change a piece of evidence on the user's own review while it is editable."""
    url = _check_url(url)
    document_ref = document_ref.strip()
    if not url and not document_ref:
        raise ActionRefused("Give a link or a document reference for the evidence.")
    if stance not in Evidence.Stance.values:
        raise ActionRefused("Stance must be supports, refutes or context.")
    excerpt = _check_excerpt(excerpt)
    with transaction.atomic():
        review = _require_editable_own_review(user, evidence.review)
        locked = _lock(Evidence, evidence.pk, "This evidence was removed meanwhile.")
        locked.review = review
        locked.url, locked.document_ref, locked.excerpt, locked.stance = url, document_ref, excerpt, stance
        locked.save()
    return locked


@performed_by("user")
def remove_evidence(*, user: AbstractBaseUser, evidence: Evidence) -> None:
    """Remove a piece of evidence from the user's own review while it is editable."""
    with transaction.atomic():
        review = _require_editable_own_review(user, evidence.review)
        locked = _lock(Evidence, evidence.pk, "This evidence was already removed.")
        locked.review = review
        locked.delete()


# The workflow lives in its own module; re-exported so every door calls `services.<verb>`.
from reviews.services import moderation  # noqa: E402

DECIDING_ROLES = moderation.DECIDING_ROLES
Conflict = moderation.Conflict
add_comment = moderation.add_comment
assign = moderation.assign
decide_review = moderation.decide_review
resolve_claim = moderation.resolve_claim
submit_review = moderation.submit_review
unassign = moderation.unassign

# Running a team (members, categories, rating scale) lives in its own module too.
from reviews.services import team as team_services  # noqa: E402

add_member_by_username = team_services.add_member_by_username
change_role = team_services.change_role
remove_member = team_services.remove_member
save_category = team_services.save_category
delete_category = team_services.delete_category
save_rating = team_services.save_rating
delete_rating = team_services.delete_rating
