from __future__ import annotations

from django.http import HttpRequest

from reviews.models import Membership


def current_membership(request: HttpRequest) -> Membership | None:
    """The team the user is working in: the one chosen in the session, else their first. Cached per request."""
    if not hasattr(request, "_current_membership"):
        found = None
        if request.user.is_authenticated:
            memberships = list(Membership.objects.for_user(request.user))
            chosen = request.session.get("team_id")
            found = next((m for m in memberships if m.team_id == chosen), memberships[0] if memberships else None)
        request._current_membership = found  # type: ignore[attr-defined]
    return request._current_membership  # type: ignore[attr-defined]
