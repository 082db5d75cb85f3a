from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reviews.models import Claim, Review
from reviews.teams import current_membership, my_open_assignments, user_memberships


def membership(request: HttpRequest) -> dict:
    """The user's current team membership and all their memberships, looked up only if a template uses them."""
    return {
        "current_membership": SimpleLazyObject(lambda: current_membership(request)),
        "memberships": SimpleLazyObject(lambda: user_memberships(request)),
        "nav_counts": SimpleLazyObject(lambda: nav_counts(request)),
    }


def nav_counts(request: HttpRequest) -> dict[str, int]:
    """How many items wait in my queue and, for moderators, in the moderation queue."""
    current = current_membership(request)
    if current is None:
        return {}
    counts = {"queue": len(my_open_assignments(request))}
    if current.decides:
        counts["moderation"] = (
            Review.objects.for_team(current.team_id).awaiting_decision().exclude(reviewer=request.user).count()
            + Claim.objects.for_team(current.team_id).disputed().count()
        )
    return counts
