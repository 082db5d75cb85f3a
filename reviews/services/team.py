"""Running a team: its members and their roles, its categories and its rating scale (owners only).

Membership changes lock the team row first and the membership second, so two owners acting at once
are serialised: the team can never end up without an owner, whoever demotes or removes whom.
Categories and ratings lock their own row; creating one locks the team so two people adding the
same name get a clear message rather than a database error. Every change is audited by
`reviews.audit` with the acting owner as the actor.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError, Q, RestrictedError
from django.utils.text import slugify

from reviews.audit import performed_by
from reviews.models import Assignment, Category, Claim, Membership, Rating, Review, Role, Team
from reviews.services import ActionRefused, _lock, _require_member
from reviews.services.moderation import Conflict

_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_SMALLINT = (-32768, 32767)
_POSITIVE_SMALLINT = (0, 32767)


def _max_length(model: type, field: str) -> int:
    return model._meta.get_field(field).max_length


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _role_label(role: str) -> str:
    return Role(role).label.lower()


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ActionRefused("Choose reviewer, moderator or owner.")


def _lock_team_as_owner(user: AbstractBaseUser, team_id: int) -> Team:
    """The team, locked, once the user is confirmed as one of its owners; call inside a transaction."""
    team = _lock(Team, team_id, "This team no longer exists.")
    _require_member(user, team, Role.OWNER)
    return team


def _lock_membership(membership: Membership, team: Team) -> Membership:
    name = membership.user.get_username()
    locked = _lock(Membership, membership.pk, f"{name} is no longer a member of this team.")
    if locked.team_id != team.pk:
        raise ActionRefused(f"{name} is not a member of this team.")
    locked.user, locked.team = membership.user, team  # already loaded: the audit event names them
    return locked


def _is_last_owner(membership: Membership) -> bool:
    if membership.role != Role.OWNER:
        return False
    return not Membership.objects.filter(team_id=membership.team_id, role=Role.OWNER).exclude(pk=membership.pk).exists()


# --- members -------------------------------------------------------------------------------------


@performed_by("user")
def add_member_by_username(*, user: AbstractBaseUser, team: Team, username: str, role: str) -> Membership:
    """Make an existing user a member of the team with the role (owners only).

    Only an existing account can be added, and only once: someone who is already a member keeps
    their role (changing it is `change_role`).
    """
    _check_role(role)
    username = username.strip()
    if not username:
        raise ActionRefused("Give the username of the person to add.")
    with transaction.atomic():
        team = _lock_team_as_owner(user, team.pk)
        person = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if person is None:
            raise ActionRefused(f"No user named {username}.")
        name = person.get_username()
        existing = Membership.objects.filter(team=team, user=person).first()
        if existing is not None:
            raise ActionRefused(f"{name} is already a member, as {_role_label(existing.role)}.")
        try:
            with transaction.atomic():
                membership = Membership(team=team, user=person, role=role)
                membership.save()
        except IntegrityError:  # added by an admin at the same moment, outside the team lock
            raise ActionRefused(f"{name} was added to the team meanwhile.") from None
    return membership


@performed_by("user")
def change_role(
    *, user: AbstractBaseUser, membership: Membership, role: str, expected_role: str | None = None
) -> Membership:
    """Give a member another role (owners only); the team always keeps at least one owner.

    `expected_role` is the role the owner's form showed: if someone changed it since, `Conflict`
    is raised and nothing changes. Setting the role a member already has changes nothing.
    """
    _check_role(role)
    with transaction.atomic():
        team = _lock_team_as_owner(user, membership.team_id)
        locked = _lock_membership(membership, team)
        name = locked.user.get_username()
        if expected_role is not None and locked.role != expected_role:
            raise Conflict(
                f"{name}'s role was changed by someone else meanwhile: they are now {_role_label(locked.role)}. "
                "Nothing was saved."
            )
        if locked.role == role:
            return locked
        if _is_last_owner(locked):
            raise ActionRefused(f"{name} is the team's last owner; make someone else an owner first.")
        locked.role = role
        locked.save()
    return locked


@performed_by("user")
def remove_member(*, user: AbstractBaseUser, membership: Membership) -> int:
    """Remove a member from the team (owners only), never its last owner.

    Their assignments in this team are withdrawn with them; the number withdrawn is returned.
    Their reviews, evidence, claims and comments stay: they are the team's record.
    """
    with transaction.atomic():
        team = _lock_team_as_owner(user, membership.team_id)
        locked = _lock_membership(membership, team)
        name = locked.user.get_username()
        if _is_last_owner(locked):
            raise ActionRefused(f"{name} is the team's last owner; make someone else an owner first.")
        # One by one, so each withdrawn assignment gets its audit event.
        withdrawn = 0
        for assignment in Assignment.objects.filter(team=team, assignee_id=locked.user_id).select_for_update():
            assignment.delete()
            withdrawn += 1
        locked.delete()
    return withdrawn


# --- categories ----------------------------------------------------------------------------------


def _clean_category(name: str, colour: str, description: str, position: int | None) -> tuple[str, str, str, str]:
    name, colour, description = name.strip(), colour.strip(), description.strip()
    if not name:
        raise ActionRefused("Give the category a name.")
    if len(name) > _max_length(Category, "name"):
        raise ActionRefused(f"The name may be at most {_max_length(Category, 'name')} characters long.")
    if len(description) > _max_length(Category, "description"):
        raise ActionRefused(f"The description may be at most {_max_length(Category, 'description')} characters long.")
    if not _COLOUR_RE.match(colour):
        raise ActionRefused("Give the colour as #rrggbb, for example #ffcc80.")
    if position is not None and not _POSITIVE_SMALLINT[0] <= position <= _POSITIVE_SMALLINT[1]:
        raise ActionRefused(f"The position must be between 0 and {_POSITIVE_SMALLINT[1]}.")
    slug = slugify(name)[: _max_length(Category, "slug")].strip("-")
    if not slug:
        raise ActionRefused("The name needs at least one Latin letter or digit: it also gives the category its key.")
    return name, colour.lower(), description, slug


@performed_by("user")
def save_category(
    *,
    user: AbstractBaseUser,
    team: Team,
    category: Category | None = None,
    name: str,
    colour: str,
    description: str = "",
    position: int | None = None,
) -> Category:
    """Create a category of the team, or change one (owners only).

    Its key (slug) follows the name and is unique within the team: a name too close to another
    category's is refused. The colour is #rrggbb. Without a position a new category goes last.
    """
    name, colour, description, slug = _clean_category(name, colour, description, position)
    with transaction.atomic():
        team = _lock_team_as_owner(user, team.pk)
        if category is None:
            target = Category(team=team)
            if position is None:
                last = Category.objects.filter(team=team).aggregate(last=Max("position"))["last"]
                position = 0 if last is None else min(last + 1, _POSITIVE_SMALLINT[1])
        else:
            if category.team_id != team.pk:
                raise ActionRefused("That category belongs to another team.")
            target = _lock(Category, category.pk, "This category was deleted meanwhile.")
            target.team = team
        clash = Category.objects.filter(team=team, slug=slug).exclude(pk=target.pk).first()
        if clash is not None:
            raise ActionRefused(f"“{name}” is too close to the existing category “{clash.name}”; choose another name.")
        target.name, target.slug, target.colour, target.description = name, slug, colour, description
        if position is not None:
            target.position = position
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:  # same key saved through the admin at the same moment
            raise ActionRefused(f"A category like “{name}” was added meanwhile; choose another name.") from None
    return target


@performed_by("user")
def delete_category(*, user: AbstractBaseUser, category: Category) -> None:
    """Delete a category of the team (owners only), but never one that claims use."""
    with transaction.atomic():
        _lock_team_as_owner(user, category.team_id)
        locked = _lock(Category, category.pk, "This category was already deleted.")
        in_use = Claim.objects.filter(category=locked).count()
        if in_use:
            uses = "uses" if in_use == 1 else "use"
            raise ActionRefused(
                f"{_plural(in_use, 'claim')} {uses} this category; move them to another category or remove them first."
            )
        try:
            with transaction.atomic():
                locked.delete()
        except (IntegrityError, ProtectedError, RestrictedError):  # a claim was tagged with it at this moment
            raise ActionRefused("A claim was just tagged with this category; it cannot be deleted.") from None


# --- the rating scale ----------------------------------------------------------------------------


def _clean_rating(label: str, value: int) -> tuple[str, str]:
    label = label.strip()
    if not label:
        raise ActionRefused("Give the rating a label.")
    if len(label) > _max_length(Rating, "label"):
        raise ActionRefused(f"The label may be at most {_max_length(Rating, 'label')} characters long.")
    if not _SMALLINT[0] <= value <= _SMALLINT[1]:
        raise ActionRefused(f"The value must be between {_SMALLINT[0]} and {_SMALLINT[1]}.")
    slug = slugify(label)[: _max_length(Rating, "slug")].strip("-")
    if not slug:
        raise ActionRefused("The label needs at least one Latin letter or digit: it also gives the rating its key.")
    return label, slug


@performed_by("user")
def save_rating(
    *, user: AbstractBaseUser, team: Team, rating: Rating | None = None, label: str, value: int, is_scored: bool
) -> Rating:
    """Add a label to the team's rating scale, or change one (owners only).

    Its key (slug) comes from the label when the rating is added and stays when the label is
    renamed, so verdict colours and exports keyed to it keep working; labels and keys are unique
    within the team. Higher values are more accurate; unscored labels (such as unverifiable) sit
    outside the scale's best and worst.
    """
    label, slug = _clean_rating(label, value)
    with transaction.atomic():
        team = _lock_team_as_owner(user, team.pk)
        if rating is None:
            target = Rating(team=team)
        else:
            if rating.team_id != team.pk:
                raise ActionRefused("That rating belongs to another team's scale.")
            target = _lock(Rating, rating.pk, "This rating was deleted meanwhile.")
            target.team = team
            slug = target.slug
        clash = Rating.objects.filter(Q(slug=slug) | Q(label__iexact=label), team=team).exclude(pk=target.pk).first()
        if clash is not None:
            raise ActionRefused(f"“{label}” is too close to the existing rating “{clash.label}”; choose another label.")
        target.label, target.slug, target.value, target.is_scored = label, slug, value, bool(is_scored)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise ActionRefused(f"A rating like “{label}” was added meanwhile; choose another label.") from None
    return target


def _rating_uses(rating: Rating) -> tuple[int, int]:
    """How many reviews, and how many claims' final verdicts, use the rating."""
    return Review.objects.filter(rating=rating).count(), Claim.objects.filter(final_rating=rating).count()


@performed_by("user")
def delete_rating(*, user: AbstractBaseUser, rating: Rating) -> None:
    """Delete a label of the team's rating scale (owners only), never one a review or a final verdict uses."""
    with transaction.atomic():
        _lock_team_as_owner(user, rating.team_id)
        locked = _lock(Rating, rating.pk, "This rating was already deleted.")
        reviews, verdicts = _rating_uses(locked)
        if reviews or verdicts:
            users = [_plural(reviews, "review")] if reviews else []
            users += [_plural(verdicts, "final verdict")] if verdicts else []
            uses = "uses" if reviews + verdicts == 1 else "use"
            raise ActionRefused(f"{' and '.join(users)} {uses} this rating; it cannot be deleted while they do.")
        try:
            with transaction.atomic():
                locked.delete()
        except (IntegrityError, ProtectedError, RestrictedError):  # a verdict chose it at this moment
            raise ActionRefused("A verdict just used this rating; it cannot be deleted.") from None
