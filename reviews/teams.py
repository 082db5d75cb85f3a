from __future__ import annotations

from django.http import HttpRequest

from reviews.models import Assignment, Membership


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


def my_open_assignments(request: HttpRequest) -> list[Assignment]:
    """What waits for the user in their current team (Assignment.objects.open_for). Cached per request:
    the queue page lists it and the navigation counts it."""
    if not hasattr(request, "_open_assignments"):
        current = current_membership(request)
        found = Assignment.objects.open_for(request.user, current.team_id) if current else []
        request._open_assignments = found  # type: ignore[attr-defined]
    return request._open_assignments  # type: ignore[attr-defined]
