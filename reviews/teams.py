from __future__ import annotations

from django.http import HttpRequest

from reviews.models import Membership


def user_memberships(request: HttpRequest) -> list[Membership]:
    """The signed-in user's memberships with their teams, by team name. Cached per request."""
    if not hasattr(request, "_memberships"):
        user = request.user
        request._memberships = list(Membership.objects.for_user(user)) if user.is_authenticated else []  # type: ignore[attr-defined]
    return request._memberships  # type: ignore[attr-defined]


def current_membership(request: HttpRequest) -> Membership | None:
    """The team the user is working in: the one chosen in the session, else their first."""
    memberships = user_memberships(request)
    chosen = request.session.get("team_id")
    return next((m for m in memberships if m.team_id == chosen), memberships[0] if memberships else None)
