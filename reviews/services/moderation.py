"""The moderation workflow: review states, claim status, four-eyes decisions, assignments, comments.

Review: draft -> submitted -> approved | changes requested (-> draft when its reviewer edits it) |
rejected. Claim: open -> in review -> final, or disputed while submitted verdicts differ.

Every function locks the claim first and then the review, in that order everywhere, so two people
acting at once are serialised and never deadlock. A caller that shows a form passes the `version` the
form was rendered with; if someone acted in between, `Conflict` is raised and nothing changes.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from reviews.audit import audit_reason, performed_by
from reviews.models import (
    COUNTED_STATES,
    DECIDING_ROLES,
    MAX_COMMENT_LENGTH,
    MAX_REASON_LENGTH,
    Article,
    Assignment,
    Claim,
    Comment,
    Membership,
    Rating,
    Review,
)
from reviews.services import ActionRefused, _lock, _require_member, role_in

State = Review.State


class Conflict(ActionRefused):
    """Someone else changed the item after the form was shown; the caller should show the current state."""


# Each action on a review: the states it may start from, and the state it leads to.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((State.DRAFT,), State.SUBMITTED),
    "approve": ((State.SUBMITTED,), State.APPROVED),
    "request_changes": ((State.SUBMITTED,), State.CHANGES_REQUESTED),
    "reject": ((State.SUBMITTED,), State.REJECTED),
    "edit": ((State.CHANGES_REQUESTED,), State.DRAFT),
}
_DONE = {"submit": "submitted", "approve": "approved", "request_changes": "sent back", "reject": "rejected"}
DECISIONS = ("approve", "request_changes", "reject")


def can_decide(user: AbstractBaseUser, role: str | None, review: Review, reviewed_it: bool) -> bool:
    """Whether the user may approve, reject or send back this review: a moderator or owner who has not
    submitted a verdict on the same claim (`reviewed_it`), and never on their own review."""
    return (
        role in DECIDING_ROLES and not reviewed_it and review.reviewer_id != user.pk and review.state == State.SUBMITTED
    )


def has_submitted(user: AbstractBaseUser, claim: Claim) -> bool:
    """Whether the user has submitted a verdict on the claim at least once: from then on reviews are not blind."""
    return Review.objects.filter(claim=claim, reviewer=user, submitted_at__isnull=False).exists()


def sees_other_reviews(user: AbstractBaseUser, role: str | None, claim: Claim) -> bool:
    """Independent review: reviewers see the others' verdicts only after submitting their own."""
    if role in DECIDING_ROLES:
        return True
    return role is not None and has_submitted(user, claim)


def _check_version(obj: Claim | Review, expected: int | None, what: str) -> None:
    if expected is not None and obj.version != expected:
        raise Conflict(f"{what} was changed by someone else meanwhile; this is its current state.")


def _move(review: Review, action: str) -> None:
    sources, target = TRANSITIONS[action]
    if review.state not in sources:
        allowed = " or ".join(State(s).label.lower() for s in sources)
        raise ActionRefused(
            f"This review is {review.get_state_display().lower()}; only a {allowed} review can be {_DONE[action]}."
        )
    review.state = target
    review.version += 1


def _lock_claim_and_review(review: Review) -> tuple[Claim, Review]:
    claim = _lock(Claim, review.claim_id, "This claim was removed meanwhile.")
    locked = _lock(Review, review.pk, "This review no longer exists.")
    claim.article = review.claim.article  # loaded by the caller; the lock reads only the claim row
    locked.claim = claim
    return claim, locked


def refresh_claim_status(claim: Claim) -> None:
    """Derive an undecided claim's status from its reviews; call with the claim locked.

    Disputed while two counted verdicts differ, in review while anyone has a review that was not
    rejected, open otherwise. A final claim stays final.
    """
    if claim.status == Claim.Status.FINAL:
        return
    reviews = Review.objects.filter(claim=claim)
    counted = set(reviews.filter(state__in=COUNTED_STATES, rating__isnull=False).values_list("rating_id", flat=True))
    if len(counted) > 1:
        status = Claim.Status.DISPUTED
    elif reviews.exclude(state=State.REJECTED).exists():
        status = Claim.Status.IN_REVIEW
    else:
        status = Claim.Status.OPEN
    if status != claim.status:
        claim.status = status
        claim.status_changed_at = timezone.now()
        claim.version += 1
        claim.save()


# --- the reviewer's steps ------------------------------------------------------------------------


@performed_by("user")
def submit_review(*, user: AbstractBaseUser, review: Review, expected_version: int | None = None) -> Review:
    """draft -> submitted, by the review's author, once it has a rating. The claim may become disputed."""
    with transaction.atomic():
        claim, locked = _lock_claim_and_review(review)
        if locked.reviewer_id != user.pk:
            raise ActionRefused("Only its reviewer may submit a review.")
        _require_member(user, claim.article.team)
        _check_version(locked, expected_version, "Your review")
        if locked.rating_id is None:
            raise ActionRefused("Choose a rating before submitting your verdict.")
        _move(locked, "submit")
        locked.submitted_at = timezone.now()
        locked.save()
        refresh_claim_status(claim)
    return locked


def reopen_for_edit(review: Review) -> None:
    """changes requested -> draft: the reviewer starts on the changes. Call with the review locked."""
    _move(review, "edit")


# --- the moderator's steps -----------------------------------------------------------------------


@performed_by("user")
def decide_review(
    *, user: AbstractBaseUser, review: Review, action: str, reason: str = "", expected_version: int | None = None
) -> Review:
    """Approve, reject or send back a submitted review (moderators and owners; never one's own).

    Approving makes the claim final with the review's rating, which also resolves a dispute.
    Rejecting and requesting changes need a reason, which the reviewer sees and the audit trail keeps.
    """
    if action not in DECISIONS:
        raise ActionRefused("Choose approve, request changes or reject.")
    reason = reason.strip()
    if action != "approve" and not reason:
        raise ActionRefused("Give a reason: the reviewer will see it.")
    if len(reason) > MAX_REASON_LENGTH:
        raise ActionRefused(f"The reason is longer than {MAX_REASON_LENGTH} characters.")
    with transaction.atomic():
        claim, locked = _lock_claim_and_review(review)
        _require_member(user, claim.article.team, *DECIDING_ROLES)
        if locked.reviewer_id == user.pk:
            raise ActionRefused("Four-eyes rule: nobody decides on their own review; another moderator must.")
        if Review.objects.filter(claim=claim, reviewer=user, submitted_at__isnull=False).exists():
            raise ActionRefused(
                "Four-eyes rule: you gave a verdict on this claim yourself; another moderator must decide on it."
            )
        _check_version(locked, expected_version, "This review")
        if action == "approve" and claim.status == Claim.Status.FINAL and claim.final_rating_id != locked.rating_id:
            raise ActionRefused(
                f"This claim is already final as “{claim.final_rating}”; a different verdict cannot be approved."
            )
        _move(locked, action)
        now = timezone.now()
        locked.decided_by, locked.decided_at, locked.decision_reason = user, now, reason
        with audit_reason(reason):
            locked.save()
            if action == "approve" and claim.status != Claim.Status.FINAL:
                _make_final(claim, locked.rating, user, reason)
            else:
                refresh_claim_status(claim)
    return locked


@performed_by("user")
def resolve_claim(
    *, user: AbstractBaseUser, claim: Claim, rating: Rating, reason: str, expected_version: int | None = None
) -> Claim:
    """Record a moderator's verdict on a claim under review or in dispute, with a reason; the claim becomes final.

    A moderator who has a verdict of their own on the claim cannot decide it alone (four-eyes).
    """
    reason = reason.strip()
    if not reason:
        raise ActionRefused("Give a reason for the moderator's verdict.")
    if len(reason) > MAX_REASON_LENGTH:
        raise ActionRefused(f"The reason is longer than {MAX_REASON_LENGTH} characters.")
    with transaction.atomic():
        locked = _lock(Claim, claim.pk, "This claim was removed meanwhile.")
        locked.article = claim.article
        _require_member(user, claim.article.team, *DECIDING_ROLES)
        if rating.team_id != claim.article.team_id:
            raise ActionRefused("That rating belongs to another team's scale.")
        _check_version(locked, expected_version, "This claim")
        if locked.status not in (Claim.Status.DISPUTED, Claim.Status.IN_REVIEW):
            status = locked.get_status_display().lower()
            raise ActionRefused(f"This claim is {status}; only a claim under review or in dispute can be resolved.")
        if not Review.objects.filter(claim=locked).counted().exists():
            raise ActionRefused("Nobody has submitted a verdict on this claim yet.")
        if Review.objects.filter(claim=locked, reviewer=user, submitted_at__isnull=False).exists():
            raise ActionRefused("Four-eyes rule: you reviewed this claim yourself; another moderator must decide it.")
        with audit_reason(reason):
            _make_final(locked, rating, user, reason)
    return locked


def _make_final(claim: Claim, rating: Rating | None, user: AbstractBaseUser, reason: str) -> None:
    claim.status = Claim.Status.FINAL
    claim.final_rating = rating
    claim.decided_by = user
    claim.decided_at = claim.status_changed_at = timezone.now()
    claim.decision_reason = reason
    claim.version += 1
    claim.save()


# --- assignments and comments --------------------------------------------------------------------


@performed_by("user")
def assign(
    *, user: AbstractBaseUser, article: Article, assignee: AbstractBaseUser, claim: Claim | None = None
) -> Assignment:
    """Ask a team member to review an article, or a single claim of it (moderators and owners)."""
    team = article.team
    _require_member(user, team, *DECIDING_ROLES)
    if role_in(assignee, team) is None:
        raise ActionRefused("Only a member of this team can be assigned.")
    if claim is not None and claim.article_id != article.pk:
        raise ActionRefused("That claim is not in this article.")
    name = assignee.get_username()
    with transaction.atomic():
        _lock(Article, article.pk, "This article was deleted meanwhile.")
        if claim is not None:
            _lock(Claim, claim.pk, "This claim was removed meanwhile.")
        if Assignment.objects.filter(article=article, claim=claim, assignee=assignee).exists():
            raise ActionRefused(f"{name} is already assigned to this {'claim' if claim else 'article'}.")
        try:
            with transaction.atomic():
                return Assignment.objects.create(
                    team=team, article=article, claim=claim, assignee=assignee, assigned_by=user
                )
        except IntegrityError:
            raise ActionRefused(f"{name} was assigned to it meanwhile.") from None


@performed_by("user")
def unassign(*, user: AbstractBaseUser, assignment: Assignment) -> None:
    """Withdraw an assignment (moderators and owners)."""
    _require_member(user, assignment.team, *DECIDING_ROLES)
    with transaction.atomic():
        _lock(Assignment, assignment.pk, "This assignment was already withdrawn.").delete()


@performed_by("user")
def add_comment(*, user: AbstractBaseUser, claim: Claim, body: str) -> Comment:
    """Add a comment to the claim's discussion (any member of its team)."""
    _require_member(user, claim.article.team)
    body = body.strip()
    if not body:
        raise ActionRefused("Write something first: the comment is empty.")
    if len(body) > MAX_COMMENT_LENGTH:
        raise ActionRefused(f"The comment is longer than {MAX_COMMENT_LENGTH} characters.")
    with transaction.atomic():
        _lock(Claim, claim.pk, "This claim was removed meanwhile.")
        comment = Comment(claim=claim, author=user, body=body)
        comment.save()
    return comment


def assignable_members(team_id: int) -> list[Membership]:
    return list(Membership.objects.filter(team_id=team_id).select_related("user").order_by("user__username"))
